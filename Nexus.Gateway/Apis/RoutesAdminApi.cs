using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Gateway.Routing.Static;
using Nexus.Gateway.Security;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Apis;

/// <summary>
/// <c>/admin/routes</c>: the static routes in force, and the ones kept in the store (create, replace, delete). A stored
/// route replaces a configured one of the same name; deleting it brings the configured one back. Names go in the path
/// as they are, slashes included (<c>/admin/routes/models/meta-llama/Llama-3.1-8B</c>).
/// </summary>
internal static class RoutesAdminApi
{
    public static RouteGroupBuilder MapRoutesAdminApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/routes", ListRoutes).WithSummary("The static routes in force, from configuration and from this API.");
        admin.MapGet("/routes/{kind}/{**name}", GetRoute).WithSummary("One static route ('models' or 'services').");
        admin.MapPut("/routes/{kind}/{**name}", PutRouteAsync).WithSummary("Creates or replaces a stored static route; every replica serves it within a second.");
        admin.MapDelete("/routes/{kind}/{**name}", DeleteRouteAsync).WithSummary("Deletes a stored static route (a configured one of the same name serves again).");
        return admin;
    }

    private static Ok<List<RouteInfo>> ListRoutes(StaticRoutes routes)
    {
        var current = routes.Current;
        return TypedResults.Ok(current.Models.Values.Concat(current.Services.Values).OrderBy(r => r.Kind).ThenBy(r => r.Name, StringComparer.Ordinal).Select(RouteInfo.From).ToList());
    }

    private static Results<Ok<RouteInfo>, ProblemHttpResult> GetRoute(string kind, string name, StaticRoutes routes)
    {
        if (RouteKinds.FromPathSegment(kind) is not { } routeKind) return UnknownKind(kind);
        return routes.Current.Of(routeKind).TryGetValue(name, out var route) ? TypedResults.Ok(RouteInfo.From(route)) : NotFound(kind, name);
    }

    private static async Task<Results<Ok<RouteInfo>, ValidationProblem, ProblemHttpResult>> PutRouteAsync(
        string kind, string name, PutRouteRequest request, IGatewayStore store, StoredRouteRefresher refresher, TimeProvider time,
        UpstreamAddressPolicy addresses, CancellationToken cancellationToken)
    {
        if (RouteKinds.FromPathSegment(kind) is not { } routeKind) return UnknownKind(kind);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (StaticUpstreamRules.NameProblems(name, "The route's name").ToArray() is [_, ..] nameProblems) errors["name"] = nameProblems;
        if (StaticUpstreamRules.UpstreamProblems(request.Upstreams, "upstreams").ToArray() is [_, ..] upstreamProblems) errors["upstreams"] = upstreamProblems;
        else if (await SelfProblemsAsync(request.Upstreams!, addresses, cancellationToken) is [_, ..] selfProblems) errors["upstreams"] = selfProblems;
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "Invalid route");

        var upstreams = request.Upstreams!.Select(u => new StaticUpstream
        {
            Url = u!.Url,
            Labels = new Dictionary<string, string>(u.Labels ?? [], StringComparer.Ordinal),
            Version = string.IsNullOrWhiteSpace(u.Version) ? null : u.Version,
            ApiKey = string.IsNullOrWhiteSpace(u.ApiKey) ? null : u.ApiKey,
        }).ToList();
        var stored = await store.PutRouteAsync(routeKind, name, upstreams, time.GetUtcNow(), cancellationToken);
        await refresher.RefreshAsync(cancellationToken);
        return TypedResults.Ok(RouteInfo.From(new StaticRoute(routeKind, name, RouteSource.Admin, stored.Upstreams, stored.UpdatedAt)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteRouteAsync(
        string kind, string name, IGatewayStore store, StoredRouteRefresher refresher, StaticRoutes routes, CancellationToken cancellationToken)
    {
        if (RouteKinds.FromPathSegment(kind) is not { } routeKind) return UnknownKind(kind);
        if (await store.DeleteRouteAsync(routeKind, name, cancellationToken))
        {
            await refresher.RefreshAsync(cancellationToken);
            return TypedResults.NoContent();
        }

        return routes.Current.Of(routeKind).TryGetValue(name, out var route) && route.Source == RouteSource.Configuration
            ? TypedResults.Problem($"The route '{name}' is defined in configuration (Nexus:Gateway:Routes); remove it there.", statusCode: StatusCodes.Status409Conflict)
            : NotFound(kind, name);
    }

    /// <summary>A static upstream must not be the gateway itself or one of its stores (checked on resolved addresses).</summary>
    private static async Task<string[]> SelfProblemsAsync(IReadOnlyList<StaticUpstream?> upstreams, UpstreamAddressPolicy addresses, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        for (var i = 0; i < upstreams.Count; i++)
        {
            if (await addresses.StaticProblemAsync(new Uri(upstreams[i]!.Url), cancellationToken) is { } problem) problems.Add($"upstreams:{i}:Url: {problem}");
        }

        return [.. problems];
    }

    private static ProblemHttpResult UnknownKind(string kind) =>
        TypedResults.Problem($"Routes are 'models' or 'services', not '{kind}'.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult NotFound(string kind, string name) =>
        TypedResults.Problem($"No static route '{name}' among the {kind}.", statusCode: StatusCodes.Status404NotFound);
}
