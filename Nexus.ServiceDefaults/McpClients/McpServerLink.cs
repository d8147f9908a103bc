using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Nexus.ServiceDefaults.McpClients;

/// <summary>Whether an MCP server answers.</summary>
public enum McpLinkStatus
{
    /// <summary>Not tried yet.</summary>
    Connecting,

    /// <summary>Connected, its tools listed.</summary>
    Ready,

    /// <summary>It could not be reached or did not answer as an MCP server; its tools are absent until it does.</summary>
    Down,
}

/// <summary>What a link is at one moment: its tools are empty unless it is ready.</summary>
public sealed record McpLinkState(McpLinkStatus Status, string? Problem, IReadOnlyList<McpClientTool> Tools);

/// <summary>
/// A connection to one MCP server that stays current: an <see cref="McpToolSet"/> while the server answers, listed again
/// on the server's <c>notifications/tools/list_changed</c> and on every <see cref="RefreshAsync"/>. A failure leaves
/// it <see cref="McpLinkStatus.Down"/> with the reason and no tools, and the next refresh connects anew.
/// </summary>
public sealed partial class McpServerLink(McpServerConnection server, HttpClient http, TimeSpan timeout, ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private readonly ILogger _logger = loggers.CreateLogger<McpServerLink>();
    private McpToolSet? _set;
    private IAsyncDisposable? _listChanged;
    private string _fingerprint = "";

    public McpServerConnection Server { get; } = server;

    /// <summary>One immutable state, so a reader never pairs one refresh's status with another's tools.</summary>
    public McpLinkState State { get; private set; } = new(McpLinkStatus.Connecting, null, []);

    /// <summary>Raised when the status, the problem or the tools change (not on a listing that found the same).</summary>
    public event Action? Changed;

    /// <summary>Connects when not connected, then lists the tools; never throws but for cancellation of <paramref name="cancellationToken"/>.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        await _refreshing.WaitAsync(linked.Token);
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
            limit.CancelAfter(timeout);
            try
            {
                var set = _set ??= await ConnectAsync(limit.Token);
                Publish(new McpLinkState(McpLinkStatus.Ready, null, await set.RefreshAsync(limit.Token)));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !linked.IsCancellationRequested)
            {
                var problem = exception is OperationCanceledException ? $"No answer within {timeout.TotalSeconds:0.#} s." : Describe(exception);
                if (State.Status != McpLinkStatus.Down) LogDown(_logger, Server.Name, problem);
                await DropAsync();
                Publish(new McpLinkState(McpLinkStatus.Down, problem, []));
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// Calls one of the server's tools (by the server's own name for it), within the link's timeout. A transport failure
    /// or no answer in time marks the link for a new connection and is thrown as <see cref="McpServerUnavailableException"/>;
    /// a JSON-RPC error of the server is thrown as the SDK's <see cref="McpException"/>.
    /// </summary>
    public async Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, object?> arguments, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var set = _set ?? throw new McpServerUnavailableException(State.Problem ?? "The server is not connected yet.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await set.Client.CallToolAsync(tool, arguments, progress, cancellationToken: limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new McpServerUnavailableException($"No answer within {timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or ObjectDisposedException or ClientTransportClosedException)
        {
            // The connection is gone: the next refresh connects anew, and until then the server's tools are absent.
            RefreshInBackground();
            throw new McpServerUnavailableException(Describe(exception));
        }
    }

    // Not on the client's own message loop, which must go on reading the listing's answer.
    private void RefreshInBackground() => _ = Task.Run(async () =>
    {
        try
        {
            await RefreshAsync(_disposed.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // The link was disposed or the host is stopping.
        }
    }, CancellationToken.None);

    private async Task<McpToolSet> ConnectAsync(CancellationToken cancellationToken)
    {
        var set = await McpToolSet.ConnectAsync(Server, http, loggers, cancellationToken);
        // A server with sessions says when its tools change; one without is listed again by the caller's rounds.
        _listChanged = set.Client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            RefreshInBackground();
            return ValueTask.CompletedTask;
        });
        return set;
    }

    private void Publish(McpLinkState state)
    {
        var fingerprint = state.Status + "\n" + state.Problem + "\n" + Fingerprint(state.Tools);
        State = state;
        if (fingerprint == _fingerprint) return;
        _fingerprint = fingerprint;
        Changed?.Invoke();
    }

    private static string Fingerprint(IEnumerable<McpClientTool> tools)
    {
        var text = new StringBuilder();
        foreach (var tool in tools) text.Append(JsonSerializer.Serialize(tool.ProtocolTool, McpJsonUtilities.DefaultOptions)).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // The reasons a server is unreachable or no MCP server, without the stack; an exception's own message names the cause.
    private static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } failed => $"HTTP {(int)status}: {failed.Message}",
        _ when exception.InnerException is HttpRequestException inner => inner.Message,
        _ => exception.Message,
    };

    private async Task DropAsync()
    {
        if (_listChanged is { } handler) await handler.DisposeAsync();
        _listChanged = null;
        if (_set is { } set)
        {
            _set = null;
            try
            {
                await set.DisposeAsync();
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Ending a session with a server that is gone: nothing to end.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync();
        await _refreshing.WaitAsync(CancellationToken.None);
        try
        {
            await DropAsync();
        }
        finally
        {
            _refreshing.Release();
            _disposed.Dispose();
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "MCP server {Server} is down: {Problem}")]
    private static partial void LogDown(ILogger logger, string server, string problem);
}

/// <summary>An MCP server cannot be reached for a call.</summary>
public sealed class McpServerUnavailableException(string message) : Exception(message);
