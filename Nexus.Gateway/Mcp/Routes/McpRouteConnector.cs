using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Routing.Static;
using Nexus.Gateway.Security;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>
/// The MCP routes in force (configuration's, with the store's over them) and a connection to each route's server.
/// Every <see cref="McpGatewayOptions.RouteRefreshInterval"/> it reads the store (so a route added on one replica
/// serves on all), connects to what is new, drops what is gone, and lists every server's tools again (which is how a
/// server without sessions, or one that came back, is seen). <see cref="Version"/> changes whenever the routes' tools
/// or reachability do, which rebuilds the gateway's tool catalog and tells MCP clients.
/// </summary>
internal sealed partial class McpRouteConnector(
    IGatewayStore store,
    IOptionsMonitor<McpRoutesOptions> configured,
    IOptionsMonitor<McpGatewayOptions> options,
    UpstreamAddressPolicy addresses,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly SemaphoreSlim _reconciling = new(1, 1);
    private readonly ILogger _logger = loggers.CreateLogger<McpRouteConnector>();
    private readonly Lazy<HttpClient> _http = new(() => CreateClient(addresses));
    private IReadOnlyDictionary<string, McpRouteConnection> _connections = new Dictionary<string, McpRouteConnection>(StringComparer.Ordinal);
    private IReadOnlyList<StoredMcpRoute> _stored = [];
    private TaskCompletionSource _changed = NewSignal();
    private long _version;

    /// <summary>Changes with every change of a route's tools or reachability, and when a route is added or removed.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>The routes in force, by name, each with its connection's state.</summary>
    public IReadOnlyCollection<McpRouteConnection> Connections => Volatile.Read(ref _connections).Values.OrderBy(c => c.Route.Name, StringComparer.Ordinal).ToList();

    public McpRouteConnection? Find(string name) => Volatile.Read(ref _connections).GetValueOrDefault(name);

    /// <summary>The tools of every ready route.</summary>
    public IEnumerable<RouteGatewayTool> Tools() => Volatile.Read(ref _connections).Values.SelectMany(c => c.State.Tools);

    /// <summary>Completes at the next change of <see cref="Version"/>.</summary>
    public Task WaitForChangeAsync(CancellationToken cancellationToken) => Volatile.Read(ref _changed).Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Reads the stored routes, puts the routes in force and lists every server's tools; a route just added has its
    /// state when this returns. When the store cannot be read, the stored routes held keep serving.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _reconciling.WaitAsync(cancellationToken);
        try
        {
            try
            {
                _stored = await store.ListMcpRoutesAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or IOException or SocketException or TimeoutException or InvalidOperationException)
            {
                LogStoreUnreadable(_logger, exception.Message);
            }

            await ReconcileAsync(InForce(), cancellationToken);
        }
        finally
        {
            _reconciling.Release();
        }

        await Task.WhenAll(Volatile.Read(ref _connections).Values.Select(c => c.RefreshAsync(cancellationToken)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RefreshAsync(stoppingToken);
                await Task.Delay(options.CurrentValue.RouteRefreshInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var connections = Interlocked.Exchange(ref _connections, new Dictionary<string, McpRouteConnection>(StringComparer.Ordinal));
        foreach (var connection in connections.Values) await connection.DisposeAsync();
    }

    public override void Dispose()
    {
        base.Dispose();
        if (_http.IsValueCreated) _http.Value.Dispose();
        _reconciling.Dispose();
    }

    private List<McpRoute> InForce()
    {
        var routes = new Dictionary<string, McpRoute>(StringComparer.Ordinal);
        foreach (var (name, upstream) in configured.CurrentValue.Routes) routes[name] = new McpRoute(name, RouteSource.Configuration, upstream, null);
        foreach (var stored in _stored) routes[stored.Name] = new McpRoute(stored.Name, RouteSource.Admin, stored.Upstream, stored.UpdatedAt);
        return [.. routes.Values];
    }

    // A route whose definition changed is a new connection: its server, credentials or headers may all differ.
    private async Task ReconcileAsync(IReadOnlyList<McpRoute> routes, CancellationToken cancellationToken)
    {
        var held = Volatile.Read(ref _connections);
        var next = new Dictionary<string, McpRouteConnection>(StringComparer.Ordinal);
        var dropped = new List<McpRouteConnection>();
        foreach (var route in routes)
        {
            if (held.TryGetValue(route.Name, out var connection) && SameRoute(connection.Route, route)) next[route.Name] = connection;
            else next[route.Name] = new McpRouteConnection(route, _http.Value, options.CurrentValue.RouteConnectTimeout, time, loggers, Changed);
        }

        dropped.AddRange(held.Where(h => !next.TryGetValue(h.Key, out var kept) || !ReferenceEquals(kept, h.Value)).Select(h => h.Value));
        if (dropped.Count == 0 && next.Count == held.Count) return;
        Volatile.Write(ref _connections, next);
        Changed();
        foreach (var connection in dropped)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await connection.DisposeAsync();
        }
    }

    private static bool SameRoute(McpRoute held, McpRoute route) =>
        held.Source == route.Source && held.UpdatedAt == route.UpdatedAt && (route.Source == RouteSource.Admin || ReferenceEquals(held.Upstream, route.Upstream));

    private void Changed()
    {
        Interlocked.Increment(ref _version);
        Interlocked.Exchange(ref _changed, NewSignal()).TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The client every route's connection sends with: each connection checked by the address policy at the moment it
    /// opens, under a static route's rules (not the gateway itself, nor its stores), and no time limit of its own,
    /// since a session's event stream stays open.
    /// </summary>
    private static HttpClient CreateClient(UpstreamAddressPolicy addresses) =>
        new(new StaticUpstreamMark { InnerHandler = new SocketsHttpHandler { ConnectCallback = addresses.ConnectAsync, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) } })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private sealed class StaticUpstreamMark : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.Set(UpstreamAddressPolicy.StaticUpstream, true);
            return base.SendAsync(request, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning, Message = "The stored MCP routes cannot be read; the ones held keep serving: {Reason}")]
    private static partial void LogStoreUnreadable(ILogger logger, string reason);
}
