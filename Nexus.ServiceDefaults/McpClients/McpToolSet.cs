using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;

namespace Nexus.ServiceDefaults.McpClients;

/// <summary>
/// An external MCP server's tools as <see cref="AIFunction"/>s (the SDK's <see cref="McpClientTool"/>), ready for an
/// <c>IChatClient</c> or an agent's tool list. Each call goes to the server over the connection this set holds open;
/// dispose the set to end it.
/// </summary>
public sealed class McpToolSet : IAsyncDisposable
{
    private McpToolSet(McpServerConnection server, McpClient client, IReadOnlyList<McpClientTool> tools)
    {
        Server = server;
        Client = client;
        Tools = tools;
    }

    public McpServerConnection Server { get; }

    /// <summary>The official MCP client, for what the tools do not cover (resources, prompts, notifications).</summary>
    public McpClient Client { get; }

    /// <summary>The server's tools as listed when connected (or last refreshed), named with the connection's prefix.</summary>
    public IReadOnlyList<McpClientTool> Tools { get; private set; }

    /// <summary>Connects to the server and lists its tools (following every page).</summary>
    /// <param name="server">The server and its credentials.</param>
    /// <param name="http">The client to send with (a named client with its handlers, say); one of its own otherwise.</param>
    /// <param name="loggerFactory">For the MCP client's own logs.</param>
    /// <param name="cancellationToken">Ends connecting and listing.</param>
    public static async Task<McpToolSet> ConnectAsync(McpServerConnection server, HttpClient? http = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var url = server.Url ?? throw new ArgumentException("The MCP server's URL is required.", nameof(server));
        var headers = new Dictionary<string, string>(server.Headers, StringComparer.OrdinalIgnoreCase);
        if (server.BearerToken is { Length: > 0 } token) headers["Authorization"] = "Bearer " + token;
        var options = new HttpClientTransportOptions
        {
            Endpoint = url,
            Name = server.Name,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = headers,
        };
        var transport = http is null ? new HttpClientTransport(options, loggerFactory) : new HttpClientTransport(options, http, loggerFactory, ownsHttpClient: false);
        var client = await McpClient.CreateAsync(transport, loggerFactory: loggerFactory, cancellationToken: cancellationToken);
        try
        {
            var set = new McpToolSet(server, client, []);
            await set.RefreshAsync(cancellationToken);
            return set;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Lists the tools again (after the server's <c>notifications/tools/list_changed</c>, say).</summary>
    public async Task<IReadOnlyList<McpClientTool>> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var listed = await Client.ListToolsAsync(cancellationToken: cancellationToken);
        Tools = Server.ToolPrefix is { Length: > 0 } prefix ? [.. listed.Select(t => t.WithName(prefix + t.Name))] : [.. listed];
        return Tools;
    }

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
