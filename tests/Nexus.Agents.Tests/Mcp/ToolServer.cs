using System.Collections.Concurrent;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Nexus.Testing;

namespace Nexus.Agents.Tests.Mcp;

/// <summary>
/// An external MCP server built with the official SDK (Streamable HTTP on a loopback port): a read-only <c>lookup</c>, a
/// destructive <c>erase</c> and a read-only <c>snapshot</c> that answers with an image; it requires an API-key header and
/// counts the calls that reach each tool. Stopped and started again on the same port, it is the same server come back.
/// </summary>
internal sealed class ToolServer : IAsyncDisposable
{
    public const string KeyHeader = "X-Api-Key";
    public const string Key = "mcp-server-secret-4711";
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

    private WebApplication? _app;
    private int _refused;

    private ToolServer(int port) => Port = port;

    public int Port { get; private set; }

    public Uri Url => new($"http://127.0.0.1:{Port}/mcp");

    /// <summary>The tools it serves; adding one is a change of its tool list.</summary>
    public McpServerPrimitiveCollection<McpServerTool> Tools { get; } = new();

    /// <summary>Calls that reached each tool, by name.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new();

    /// <summary>Requests refused for a missing or wrong key.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public static async Task<ToolServer> StartAsync()
    {
        var server = new ToolServer(0);
        server.Tools.Add(McpServerTool.Create((string key) => server.Called("lookup", $"value of {key}"),
            new McpServerToolCreateOptions { Name = "lookup", Description = "Looks a key up.", ReadOnly = true }));
        server.Tools.Add(McpServerTool.Create((string path) => server.Called("erase", $"erased {path}"),
            new McpServerToolCreateOptions { Name = "erase", Description = "Erases a path.", ReadOnly = false, Destructive = true }));
        server.Tools.Add(McpServerTool.Create(() => server.Called("snapshot", ImageContentBlock.FromBytes(Png, "image/png")),
            new McpServerToolCreateOptions { Name = "snapshot", Description = "Takes a picture.", ReadOnly = true }));
        await server.RestartAsync();
        return server;
    }

    /// <summary>Adds a tool that echoes its text.</summary>
    public void AddEcho() =>
        Tools.Add(McpServerTool.Create((string text) => Called("echo", text), new McpServerToolCreateOptions { Name = "echo", Description = "Echoes the text.", ReadOnly = true }));

    /// <summary>Starts it (again) on its port.</summary>
    public async Task RestartAsync()
    {
        var builder = TestWebHost.CreateBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        builder.Services.AddMcpServer(options => options.ToolCollection = Tools).WithHttpTransport();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers[KeyHeader] != Key)
            {
                Interlocked.Increment(ref _refused);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context);
        });
        app.MapMcp("/mcp");
        Port = (await TestWebHost.StartAsync(app)).Port;
        _app = app;
    }

    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _app, null) is { } app) await TestWebHost.StopAsync(app);
    }

    private T Called<T>(string tool, T result)
    {
        Calls.AddOrUpdate(tool, 1, (_, n) => n + 1);
        return result;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
