namespace Nexus.Agents.Tools.Mcp;

/// <summary>
/// An external MCP server (Streamable HTTP) whose tools join the bus as <c>server.tool</c>
/// (<c>Agents:McpServers:&lt;server&gt;</c>). Its headers are credentials: never logged, never shown by any API.
/// </summary>
public sealed class McpServerOptions
{
    /// <summary>The server's MCP endpoint, e.g. <c>https://search.internal/mcp</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Headers every request to the server carries (<c>Authorization</c>, an API-key header).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Longest wait for the server: connecting and listing its tools, and one tool call.</summary>
    public int TimeoutSeconds { get; set; } = 60;

    /// <summary>How often its tools are listed again (which is also how a server that was down is seen back).</summary>
    public int RefreshSeconds { get; set; } = 30;
}
