using System.Collections.Concurrent;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;

namespace Nexus.Agents.Apis.Mcp;

/// <summary>
/// The agents in force as MCP tools, one <c>agent.&lt;name&gt;</c> per spec, listed and called beside the service's
/// function tools; every open session is told when the specs change (<c>notifications/tools/list_changed</c>).
/// </summary>
internal sealed partial class AgentMcpTools(SpecCatalog catalog, AgentRunner runner, IHttpContextAccessor http, ILogger<AgentMcpTools> logger) : IHostedService
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<McpServer, byte> _sessions = new();

    public IReadOnlyDictionary<string, McpServerTool> Tools() =>
        catalog.Agents.ToDictionary(s => AgentTool.Prefix + s.Name, s => McpServerTool.Create(new AgentTool(s, runner, http), new McpServerToolCreateOptions { Name = AgentTool.Prefix + s.Name }), StringComparer.Ordinal);

    /// <summary>Wraps the service defaults' handlers: their tools first, then the agents'.</summary>
    public void Wrap(McpServerOptions options)
    {
        var list = options.Handlers.ListToolsHandler;
        var call = options.Handlers.CallToolHandler;
        options.Capabilities ??= new ServerCapabilities();
        options.Capabilities.Tools ??= new ToolsCapability();
        options.Capabilities.Tools.ListChanged = true;
        options.Handlers.ListToolsHandler = async (context, cancellationToken) =>
        {
            var result = list is null ? new ListToolsResult() : await list(context, cancellationToken);
            return new ListToolsResult { Tools = [.. result.Tools, .. Tools().Values.Select(t => t.ProtocolTool)], NextCursor = result.NextCursor };
        };
        options.Handlers.CallToolHandler = async (context, cancellationToken) =>
        {
            if (context.Params?.Name is { } name && name.StartsWith(AgentTool.Prefix, StringComparison.Ordinal))
            {
                if (!Tools().TryGetValue(name, out var tool)) throw new McpProtocolException($"Unknown tool: '{name}'.", McpErrorCode.InvalidParams);
                return await tool.InvokeAsync(context, cancellationToken);
            }

            return call is null ? throw new McpProtocolException($"Unknown tool: '{context.Params?.Name}'.", McpErrorCode.InvalidParams) : await call(context, cancellationToken);
        };
    }

    /// <summary>The transport's session handler: a session is known from start to end, to be told of changes.</summary>
    public async Task RunSessionAsync(HttpContext context, McpServer server, CancellationToken cancellationToken)
    {
        if (server.SessionId is not null) _sessions[server] = 0;
        try
        {
            await server.RunAsync(cancellationToken);
        }
        finally
        {
            _sessions.TryRemove(server, out _);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.Changed += OnChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        catalog.Changed -= OnChanged;
        return Task.CompletedTask;
    }

    private void OnChanged() => _ = Task.WhenAll(_sessions.Keys.Select(NotifyAsync));

    private async Task NotifyAsync(McpServer server)
    {
        using var timeout = new CancellationTokenSource(NotifyTimeout);
        try
        {
            await server.SendNotificationAsync(NotificationMethods.ToolListChangedNotification, timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The session is ending or its client stopped reading: it lists again when it comes back.
            LogNotifyFailed(logger, server.SessionId, exception.Message);
        }
    }

    [LoggerMessage(EventId = 6310, Level = LogLevel.Debug, Message = "MCP session {SessionId} was not told of the agents' change: {Reason}")]
    private static partial void LogNotifyFailed(ILogger logger, string? sessionId, string reason);
}
