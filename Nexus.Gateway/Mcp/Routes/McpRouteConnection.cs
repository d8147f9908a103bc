using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Nexus.ServiceDefaults.McpClients;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>Whether an MCP route's server answers.</summary>
public enum McpRouteStatus
{
    /// <summary>Not tried yet.</summary>
    Connecting,

    /// <summary>Connected, its tools listed.</summary>
    Ready,

    /// <summary>It could not be reached or did not answer as an MCP server; its tools are absent until it does.</summary>
    Down,
}

/// <summary>
/// The gateway's connection to one MCP route's server: the official client (<see cref="McpToolSet"/>), the tools it
/// listed, named <c>route.tool</c>, and whether it answers. Lists again on the server's
/// <c>notifications/tools/list_changed</c> and whenever the connector asks; a failure leaves the route
/// <see cref="McpRouteStatus.Down"/> with the reason, and the next refresh connects anew.
/// </summary>
internal sealed partial class McpRouteConnection(McpRoute route, HttpClient http, TimeSpan connectTimeout, TimeProvider time, ILoggerFactory loggers, Action changed)
    : IAsyncDisposable
{
    /// <summary>MCP's tool-name rule, which <c>route.tool</c> must meet to be listed.</summary>
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,128}$")]
    private static partial Regex ToolNamePattern();

    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly CancellationTokenSource _disposed = new();
    private readonly ILogger _logger = loggers.CreateLogger<McpRouteConnection>();
    private McpToolSet? _set;
    private IAsyncDisposable? _listChanged;
    private string _fingerprint = "";

    public McpRoute Route { get; } = route;

    /// <summary>One immutable state, so a reader never pairs one refresh's status with another's tools.</summary>
    public RouteState State { get; private set; } = new(McpRouteStatus.Connecting, null, time.GetUtcNow(), [], 0);

    /// <summary>What a route is at one moment: its tools are empty unless it is ready.</summary>
    internal sealed record RouteState(McpRouteStatus Status, string? Problem, DateTimeOffset Since, IReadOnlyList<RouteGatewayTool> Tools, int SkippedTools);

    /// <summary>Connects when not connected, then lists the tools; never throws but for cancellation of <paramref name="cancellationToken"/>.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        await _refreshing.WaitAsync(linked.Token);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(linked.Token);
            timeout.CancelAfter(connectTimeout);
            try
            {
                var set = _set ??= await ConnectAsync(timeout.Token);
                Publish(McpRouteStatus.Ready, null, await set.RefreshAsync(timeout.Token));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !linked.IsCancellationRequested)
            {
                var problem = exception is OperationCanceledException ? $"No answer within {connectTimeout.TotalSeconds:0.#} s." : Describe(exception);
                if (State.Status != McpRouteStatus.Down) LogDown(_logger, Route.Name, problem);
                await DropAsync();
                Publish(McpRouteStatus.Down, problem, []);
            }
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>Calls the server's tool; a transport failure marks the route down (and is thrown for the caller to report).</summary>
    public async Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, object?> arguments, IProgress<ProgressNotificationValue>? progress, CancellationToken cancellationToken)
    {
        var set = _set ?? throw new McpRouteUnavailableException(State.Problem ?? "The route is not connected yet.");
        try
        {
            return await set.Client.CallToolAsync(tool, arguments, progress, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or ObjectDisposedException or ClientTransportClosedException)
        {
            // The connection is gone: the next refresh connects anew, and until then the route's tools are absent.
            RefreshInBackground();
            throw new McpRouteUnavailableException(Describe(exception));
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
            // The route was removed or the gateway is stopping.
        }
    }, CancellationToken.None);

    private async Task<McpToolSet> ConnectAsync(CancellationToken cancellationToken)
    {
        var upstream = Route.Upstream;
        var server = new McpServerConnection
        {
            Name = Route.Name,
            Url = new Uri(upstream.Url),
            BearerToken = upstream.BearerToken,
            Headers = new Dictionary<string, string>(upstream.Headers ?? [], StringComparer.OrdinalIgnoreCase),
        };
        var set = await McpToolSet.ConnectAsync(server, http, loggers, cancellationToken);
        // A server with sessions says when its tools change; one without is listed again by the connector's rounds.
        _listChanged = set.Client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            RefreshInBackground();
            return ValueTask.CompletedTask;
        });
        return set;
    }

    private void Publish(McpRouteStatus status, string? problem, IReadOnlyList<McpClientTool> listed)
    {
        var tools = new List<RouteGatewayTool>();
        var skipped = 0;
        foreach (var tool in listed)
        {
            var name = Route.Name + "." + tool.Name;
            if (!ToolNamePattern().IsMatch(name))
            {
                skipped++;
                continue;
            }

            var definition = tool.ProtocolTool;
            tools.Add(new RouteGatewayTool(name, Route.Name, new Tool
            {
                Name = name,
                Title = definition.Title,
                Description = definition.Description,
                InputSchema = definition.InputSchema,
                OutputSchema = definition.OutputSchema,
                Annotations = definition.Annotations,
                Icons = definition.Icons,
            }, this, tool.Name));
        }

        var fingerprint = status + "\n" + problem + "\n" + Fingerprint(tools);
        var previous = State;
        State = new RouteState(status, problem, previous.Status == status ? previous.Since : time.GetUtcNow(), tools, skipped);
        if (fingerprint == _fingerprint) return;
        _fingerprint = fingerprint;
        changed();
    }

    private static string Fingerprint(IEnumerable<RouteGatewayTool> tools)
    {
        var text = new StringBuilder();
        foreach (var tool in tools) text.Append(JsonSerializer.Serialize(tool.Definition, McpJsonUtilities.DefaultOptions)).Append('\n');
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // The reasons a server is unreachable or no MCP server, without the stack; an exception's own message names the cause.
    private static string Describe(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } http => $"HTTP {(int)status}: {http.Message}",
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

    [LoggerMessage(EventId = 3210, Level = LogLevel.Warning, Message = "MCP route {Route} is down: {Problem}")]
    private static partial void LogDown(ILogger logger, string route, string problem);
}

/// <summary>An MCP route's server cannot be reached for a call.</summary>
internal sealed class McpRouteUnavailableException(string message) : Exception(message);
