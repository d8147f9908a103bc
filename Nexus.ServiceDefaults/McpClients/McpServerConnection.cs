using System.ComponentModel.DataAnnotations;

namespace Nexus.ServiceDefaults.McpClients;

/// <summary>An MCP server (Streamable HTTP) whose tools Nexus uses: where it is, how to authenticate, how to name its tools.</summary>
public sealed class McpServerConnection
{
    /// <summary>What the server is called here (logs, the tool prefix).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string Name { get; set; } = "";

    /// <summary>The server's MCP endpoint, e.g. <c>http://gateway:8480/mcp</c>.</summary>
    [Required]
    public Uri? Url { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c> (a Nexus tenant key for the gateway's <c>/mcp</c>).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Any other header every request carries.</summary>
    public Dictionary<string, string> Headers { get; set; } = [];

    /// <summary>
    /// Put before each tool's name, so tools of several servers cannot collide; none by default. Model APIs such as
    /// OpenAI's allow only <c>[A-Za-z0-9_-]</c> in function names, so a prefix like <c>search_</c> suits them.
    /// </summary>
    public string? ToolPrefix { get; set; }
}
