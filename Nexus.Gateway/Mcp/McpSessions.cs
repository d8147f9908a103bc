using System.Collections.Concurrent;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Nexus.Gateway.Mcp;

/// <summary>
/// The gateway's live MCP sessions, by the key that opened each: for the session caps, and to tell every session when
/// the tool list changed.
/// </summary>
internal sealed partial class McpSessions(ILogger<McpSessions> logger)
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<McpServer, string> _sessions = new();

    public int Count => _sessions.Count;

    /// <summary>Whether the key may open one more session: null, or the status and message of the refusal.</summary>
    public (int Status, string? Problem) MayOpen(string keyId, McpGatewayOptions options)
    {
        if (_sessions.Count >= options.MaxSessions) return (StatusCodes.Status503ServiceUnavailable, "The gateway holds as many MCP sessions as it may; retry later.");
        var held = _sessions.Values.Count(k => string.Equals(k, keyId, StringComparison.Ordinal));
        return held >= options.MaxSessionsPerKey
            ? (StatusCodes.Status429TooManyRequests, $"This key holds {held} MCP sessions, its limit; end one (DELETE /mcp) or let one idle out.")
            : (StatusCodes.Status200OK, null);
    }

    /// <summary>Runs a session (the transport's <c>RunSessionHandler</c>), known here from start to end.</summary>
    public async Task RunAsync(HttpContext context, McpServer server, CancellationToken cancellationToken)
    {
        if (server.SessionId is null)
        {
            // A request of the 2026-07-28 revision, served on its own: no session to hold or to notify.
            await server.RunAsync(cancellationToken);
            return;
        }

        _sessions[server] = (context.User as McpCaller)?.Caller.Key.Id ?? "";
        try
        {
            await server.RunAsync(cancellationToken);
        }
        finally
        {
            _sessions.TryRemove(server, out _);
        }
    }

    /// <summary>Sends <c>notifications/tools/list_changed</c> to every session; one that cannot take it is skipped.</summary>
    public Task NotifyToolsChangedAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_sessions.Keys.Select(server => NotifyAsync(server, cancellationToken)));

    private async Task NotifyAsync(McpServer server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(NotifyTimeout);
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

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "MCP session {SessionId} was not told of the tool list change: {Reason}")]
    private static partial void LogNotifyFailed(ILogger logger, string? sessionId, string reason);
}
