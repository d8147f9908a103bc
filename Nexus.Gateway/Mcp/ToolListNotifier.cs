using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// Follows the registry's change feed (the one <c>/v1/registry/watch</c> streams) and, whenever a change alters the
/// gateway's tools (a service registers, leaves, changes its descriptor or its readiness), sends
/// <c>notifications/tools/list_changed</c> to every MCP session.
/// </summary>
internal sealed partial class ToolListNotifier(IServiceRegistry registry, GatewayTools tools, McpSessions sessions, TimeProvider time, ILogger<ToolListNotifier> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = tools.Current().Fingerprint;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var _ in registry.WatchAsync(stoppingToken))
                {
                    var now = tools.Current().Fingerprint;
                    if (now == last) continue;
                    last = now;
                    LogToolsChanged(logger, sessions.Count);
                    await sessions.NotifyToolsChangedAsync(stoppingToken);
                }

                // A watcher that fell too far behind is disconnected: watch again, from the state as it is now.
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "The gateway's MCP tools changed; telling {Sessions} sessions")]
    private static partial void LogToolsChanged(ILogger logger, int sessions);
}
