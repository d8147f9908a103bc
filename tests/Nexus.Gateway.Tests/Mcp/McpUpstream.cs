using System.Runtime.CompilerServices;
using ModelContextProtocol.Server;

namespace Nexus.Gateway.Tests.Mcp;

/// <summary>
/// An external MCP server built with the official SDK, as an MCP route's upstream: Streamable HTTP on a random port,
/// a tool list the test can change, and a bearer token it requires.
/// </summary>
internal sealed class McpUpstream : IAsyncDisposable
{
    public const string Token = "upstream-secret-token-0123";

    private readonly WebApplication _app;
    private readonly StrongBox<int> _refused;

    private McpUpstream(WebApplication app, Uri baseAddress, McpServerPrimitiveCollection<McpServerTool> tools, StrongBox<int> refused)
    {
        _app = app;
        _refused = refused;
        Url = new Uri(baseAddress, "mcp");
        Tools = tools;
    }

    /// <summary>The tools it serves (one, <c>shout</c>, at first); adding or removing one is a change of its tool list.</summary>
    public McpServerPrimitiveCollection<McpServerTool> Tools { get; }

    public Uri Url { get; }

    /// <summary>Requests refused for a missing or wrong token.</summary>
    public int Refused => Volatile.Read(ref _refused.Value);

    public static async Task<McpUpstream> StartAsync()
    {
        var tools = new McpServerPrimitiveCollection<McpServerTool>();
        tools.Add(McpServerTool.Create((string text) => text.ToUpperInvariant(), new McpServerToolCreateOptions { Name = "shout", Description = "Shouts the text." }));
        var refused = new StrongBox<int>();
        var builder = TestWebHost.CreateBuilder();
        builder.Services.AddMcpServer(options => options.ToolCollection = tools).WithHttpTransport();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Authorization != "Bearer " + Token)
            {
                Interlocked.Increment(ref refused.Value);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context);
        });
        app.MapMcp("/mcp");
        return new McpUpstream(app, await TestWebHost.StartAsync(app), tools, refused);
    }

    /// <summary>Adds a tool that echoes its text.</summary>
    public void AddEcho() =>
        Tools.Add(McpServerTool.Create((string text) => text, new McpServerToolCreateOptions { Name = "echo", Description = "Echoes the text." }));

    public ValueTask DisposeAsync() => new(TestWebHost.StopAsync(_app));
}
