using Nexus.Gateway.Mcp.Routes;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// Follows the registry's change feed (the one <c>/v1/registry/watch</c> streams) and the MCP routes' changes and,
/// whenever a change alters the gateway's tools (a service registers, leaves, changes its descriptor or its readiness;
/// a route is added or removed, its server's tools change or it goes down or comes back), sends
/// <c>notifications/tools/list_changed</c> to every MCP session and <c>subscriptions/listen</c> stream.
/// </summary>
internal sealed partial class ToolListNotifier(
    IServiceRegistry registry, McpRouteConnector routes, GatewayTools tools, McpSessions sessions, McpListeners listeners, TimeProvider time, ILogger<ToolListNotifier> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _checking = new(1, 1);
    private string? _last;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _last = tools.Current().Fingerprint;
        return Task.WhenAll(FollowRegistryAsync(stoppingToken), FollowRoutesAsync(stoppingToken));
    }

    public override void Dispose()
    {
        base.Dispose();
        _checking.Dispose();
    }

    private async Task FollowRoutesAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await routes.WaitForChangeAsync(stoppingToken);
                await CheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // One check at a time, so two changes at once send one notification, and a fingerprint is never compared with a stale one.
    private async Task CheckAsync(CancellationToken stoppingToken)
    {
        await _checking.WaitAsync(stoppingToken);
        try
        {
            var now = tools.Current().Fingerprint;
            if (now == _last) return;
            _last = now;
            LogToolsChanged(logger, sessions.Count, listeners.Count);
            listeners.ToolsChanged();
            await sessions.NotifyToolsChangedAsync(stoppingToken);
        }
        finally
        {
            _checking.Release();
        }
    }

    private async Task FollowRegistryAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in registry.WatchAsync(stoppingToken)) await CheckAsync(stoppingToken);

                // A watcher that fell too far behind is disconnected: watch again, from the state as it is now.
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "The gateway's MCP tools changed; telling {Sessions} sessions and {Listeners} listen streams")]
    private static partial void LogToolsChanged(ILogger logger, int sessions, int listeners);
}
