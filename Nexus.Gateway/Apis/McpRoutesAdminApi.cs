using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Gateway.Mcp.Routes;
using Nexus.Gateway.Routing.Static;
using Nexus.Gateway.Security;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Apis;

/// <summary>
/// <c>/admin/mcp-routes</c>: external MCP servers whose tools the gateway's <c>/mcp</c> serves as <c>route.tool</c>,
/// from configuration (<c>Nexus:Gateway:McpRoutes</c>) and from this API (kept in the store; a stored route replaces a
/// configured one of the same name, and deleting it brings the configured one back).
/// </summary>
internal static class McpRoutesAdminApi
{
    public static RouteGroupBuilder MapMcpRoutesAdminApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/mcp-routes", ListRoutes).WithSummary("The MCP routes in force, each with whether its server answers and the tools it gives.");
        admin.MapGet("/mcp-routes/{name}", GetRoute).WithSummary("One MCP route.");
        admin.MapPut("/mcp-routes/{name}", PutRouteAsync).WithSummary("Creates or replaces a stored MCP route and connects to its server; every replica serves it within the refresh interval.");
        admin.MapDelete("/mcp-routes/{name}", DeleteRouteAsync).WithSummary("Deletes a stored MCP route (a configured one of the same name serves again).");
        return admin;
    }

    private static Ok<List<McpRouteInfo>> ListRoutes(McpRouteConnector routes) => TypedResults.Ok(routes.Connections.Select(McpRouteInfo.From).ToList());

    private static Results<Ok<McpRouteInfo>, ProblemHttpResult> GetRoute(string name, McpRouteConnector routes) =>
        routes.Find(name) is { } connection ? TypedResults.Ok(McpRouteInfo.From(connection)) : NotFound(name);

    private static async Task<Results<Ok<McpRouteInfo>, ValidationProblem, ProblemHttpResult>> PutRouteAsync(
        string name, PutMcpRouteRequest request, IGatewayStore store, McpRouteConnector routes, TimeProvider time, UpstreamAddressPolicy addresses,
        CancellationToken cancellationToken)
    {
        var upstream = new McpRouteUpstream
        {
            Url = request.Url ?? "",
            BearerToken = string.IsNullOrEmpty(request.BearerToken) ? null : request.BearerToken,
            Headers = new Dictionary<string, string>(request.Headers ?? [], StringComparer.OrdinalIgnoreCase),
        };
        var errors = McpRouteRules.NameProblems(name).Select(p => ("name", p))
            .Concat(McpRouteRules.UpstreamProblems(upstream, ""))
            .GroupBy(e => e.Item1, e => e.Item2, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        if (!errors.ContainsKey("url") && await addresses.StaticProblemAsync(new Uri(upstream.Url), cancellationToken) is { } selfProblem) errors["url"] = [selfProblem];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid MCP route");

        await store.PutMcpRouteAsync(name, upstream, time.GetUtcNow(), cancellationToken);
        await routes.RefreshAsync(cancellationToken);
        return routes.Find(name) is { } connection
            ? TypedResults.Ok(McpRouteInfo.From(connection))
            : TypedResults.Problem($"The MCP route '{name}' was stored but is not in force; retry.", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteRouteAsync(string name, IGatewayStore store, McpRouteConnector routes, CancellationToken cancellationToken)
    {
        if (await store.DeleteMcpRouteAsync(name, cancellationToken))
        {
            await routes.RefreshAsync(cancellationToken);
            return TypedResults.NoContent();
        }

        return routes.Find(name) is { Route.Source: RouteSource.Configuration }
            ? TypedResults.Problem($"The MCP route '{name}' is defined in configuration ({McpRoutesOptions.SectionName}); remove it there.", statusCode: StatusCodes.Status409Conflict)
            : NotFound(name);
    }

    private static ProblemHttpResult NotFound(string name) => TypedResults.Problem($"No MCP route '{name}'.", statusCode: StatusCodes.Status404NotFound);
}
