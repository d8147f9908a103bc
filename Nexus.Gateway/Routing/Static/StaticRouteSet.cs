namespace Nexus.Gateway.Routing.Static;

/// <summary>Where a static route in force was defined.</summary>
public enum RouteSource
{
    Configuration,
    Admin,
}

/// <summary>A static route in force: its upstreams, where it was defined and, for a stored route, when it last changed.</summary>
public sealed record StaticRoute(RouteKind Kind, string Name, RouteSource Source, IReadOnlyList<StaticUpstream> Upstreams, DateTimeOffset? UpdatedAt);

/// <summary>
/// The static routes in force: configuration's, with the admin API's stored routes over them (a stored route replaces a
/// configured one of the same kind and name). Immutable: a change builds a new set.
/// </summary>
public sealed class StaticRouteSet
{
    public StaticRouteSet(StaticRoutesOptions configured, IReadOnlyList<StoredRoute> stored)
    {
        Models = Merge(RouteKind.Model, configured.Models, stored);
        Services = Merge(RouteKind.Service, configured.Services, stored);
    }

    public IReadOnlyDictionary<string, StaticRoute> Models { get; }

    public IReadOnlyDictionary<string, StaticRoute> Services { get; }

    public IReadOnlyDictionary<string, StaticRoute> Of(RouteKind kind) => kind == RouteKind.Model ? Models : Services;

    private static Dictionary<string, StaticRoute> Merge(RouteKind kind, Dictionary<string, List<StaticUpstream>> configured, IReadOnlyList<StoredRoute> stored)
    {
        var routes = new Dictionary<string, StaticRoute>(StringComparer.Ordinal);
        foreach (var (name, upstreams) in configured) routes[name] = new StaticRoute(kind, name, RouteSource.Configuration, upstreams, null);
        foreach (var route in stored)
        {
            if (route.Kind == kind) routes[route.Name] = new StaticRoute(kind, route.Name, RouteSource.Admin, route.Upstreams, route.UpdatedAt);
        }

        return routes;
    }
}
