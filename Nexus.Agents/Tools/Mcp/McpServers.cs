using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Nexus.ServiceDefaults.McpClients;

namespace Nexus.Agents.Tools.Mcp;

/// <summary>One configured server: its link and the bus tools of its last listing.</summary>
internal sealed record McpServerEntry(string Name, McpServerLink Link, McpLinkState State, IReadOnlyList<McpBusTool> Tools, IReadOnlyList<string> Skipped);

/// <summary>
/// The configured MCP servers (<c>Agents:McpServers</c>), each kept connected by an <see cref="McpServerLink"/>: listed at
/// start, again on the server's <c>notifications/tools/list_changed</c> and every <c>RefreshSeconds</c>. A server that is
/// down has no tools on the bus, and the next round connects anew.
/// </summary>
internal sealed class McpServers : BackgroundService
{
    private readonly IOptions<AgentsOptions> _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private ImmutableDictionary<string, McpServerEntry> _servers;

    public McpServers(IOptions<AgentsOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _time = time;
        // Its own client: no time limit (a session's event stream stays open; the link times each exchange), and no
        // client-factory logging, which would write the servers' credential headers at trace level.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };
        var servers = ImmutableDictionary.CreateBuilder<string, McpServerEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, settings) in options.Value.McpServers)
        {
            var connection = new McpServerConnection { Name = name, Url = new Uri(settings.Url!), Headers = new(settings.Headers, StringComparer.OrdinalIgnoreCase) };
            var link = new McpServerLink(connection, _http, TimeSpan.FromSeconds(settings.TimeoutSeconds), loggers);
            link.Changed += () => Relist(name);
            servers[name] = new McpServerEntry(name, link, link.State, [], []);
        }

        _servers = servers.ToImmutable();
    }

    /// <summary>Every configured server, by name, with its link's state and its tools.</summary>
    public IReadOnlyCollection<McpServerEntry> Servers => Volatile.Read(ref _servers).Values.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    /// <summary>The servers that answered their last listing.</summary>
    public IEnumerable<McpServerEntry> Ready => Servers.Where(s => s.State.Status == McpLinkStatus.Ready);

    /// <summary>Why each server that is not ready is not, naming it (never its URL's credentials or its headers).</summary>
    public IEnumerable<string> Problems() => Servers.Where(s => s.State.Status != McpLinkStatus.Ready).Select(s => s.State.Status == McpLinkStatus.Connecting
        ? $"MCP server '{s.Name}' is not connected yet."
        : $"MCP server '{s.Name}' is unreachable, its tools are absent: {s.State.Problem}");

    /// <summary>Lists every server's tools now (connecting to those that are not connected).</summary>
    public Task RefreshAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(Volatile.Read(ref _servers).Values.Select(s => s.Link.RefreshAsync(cancellationToken)));

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Volatile.Read(ref _servers).Values.Select(s => KeepListedAsync(s, stoppingToken)));

    private async Task KeepListedAsync(McpServerEntry server, CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(_options.Value.McpServers[server.Name].RefreshSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await server.Link.RefreshAsync(stoppingToken);
                await Task.Delay(interval, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    // The bus reads the tools without touching the link: rebuilt (validators parsed once) only when the listing changed.
    private void Relist(string name)
    {
        ImmutableDictionary<string, McpServerEntry> held, next;
        do
        {
            held = Volatile.Read(ref _servers);
            var entry = held[name];
            var state = entry.Link.State;
            var (tools, skipped) = McpServerTools.From(name, state.Tools);
            next = held.SetItem(name, entry with { State = state, Tools = tools, Skipped = skipped });
        }
        while (Interlocked.CompareExchange(ref _servers, next, held) != held);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var server in Volatile.Read(ref _servers).Values) await server.Link.DisposeAsync();
    }

    public override void Dispose()
    {
        base.Dispose();
        _http.Dispose();
    }
}
