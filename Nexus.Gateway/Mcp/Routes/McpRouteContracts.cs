using Nexus.Gateway.Routing.Static;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>The body of <c>PUT /admin/mcp-routes/{name}</c>: the server and the credentials the gateway sends it.</summary>
public sealed record PutMcpRouteRequest(string? Url, string? BearerToken, Dictionary<string, string>? Headers);

/// <summary>
/// An MCP route as the admin API shows it: whether it carries a bearer token and which headers, never their values;
/// whether its server answers (<c>connecting</c>, <c>ready</c>, <c>down</c> with the reason) and the tools it gives.
/// </summary>
public sealed record McpRouteInfo(
    string Name, string Source, string Url, bool HasBearerToken, IReadOnlyList<string> HeaderNames, DateTimeOffset? UpdatedAt,
    string Status, string? Problem, DateTimeOffset Since, IReadOnlyList<string> Tools, int SkippedTools)
{
    internal static McpRouteInfo From(McpRouteConnection connection)
    {
        var (route, state) = (connection.Route, connection.State);
        return new McpRouteInfo(
            route.Name, route.Source == RouteSource.Admin ? "admin" : "configuration", route.Upstream.Url, route.Upstream.BearerToken is not null,
            [.. (route.Upstream.Headers ?? []).Keys.Order(StringComparer.OrdinalIgnoreCase)], route.UpdatedAt,
            state.Status.ToString().ToLowerInvariant(), state.Problem, state.Since, [.. state.Tools.Select(t => t.Name).Order(StringComparer.Ordinal)], state.SkippedTools);
    }
}
