using Nexus.Gateway.Routing.Static;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>
/// An external MCP server (Streamable HTTP) whose tools the gateway's <c>/mcp</c> serves as <c>route.tool</c>: where it
/// is and the credentials the gateway sends it. The credentials are the upstream's, never a caller's, and never shown
/// back by the admin API.
/// </summary>
public sealed class McpRouteUpstream
{
    /// <summary>The server's MCP endpoint, e.g. <c>https://search.internal/mcp</c>; no credentials in it.</summary>
    public string Url { get; set; } = "";

    /// <summary>Sent as <c>Authorization: Bearer</c> on every request to the server.</summary>
    public string? BearerToken { get; set; }

    /// <summary>Other headers every request to the server carries (an API-key header, say).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>An MCP route created through the admin API and kept in the store, so every replica serves it.</summary>
public sealed record StoredMcpRoute(string Name, McpRouteUpstream Upstream, DateTimeOffset UpdatedAt);

/// <summary>An MCP route in force: from configuration (<c>Nexus:Gateway:McpRoutes</c>) or the admin API, which wins.</summary>
public sealed record McpRoute(string Name, RouteSource Source, McpRouteUpstream Upstream, DateTimeOffset? UpdatedAt);
