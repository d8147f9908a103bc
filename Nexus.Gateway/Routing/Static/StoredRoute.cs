namespace Nexus.Gateway.Routing.Static;

/// <summary>Whether a static route answers a model id (<c>/v1/chat/completions</c> and the rest) or a service name (<c>/v1/services</c>).</summary>
public enum RouteKind
{
    Model,
    Service,
}

/// <summary>
/// A static route created through the admin API and kept in the store, so every replica serves it and it survives a
/// restart. It replaces a configured route of the same kind and name while it exists.
/// </summary>
public sealed record StoredRoute(RouteKind Kind, string Name, IReadOnlyList<StaticUpstream> Upstreams, DateTimeOffset UpdatedAt);
