namespace Nexus.Gateway.Routing.Static;

/// <summary>Whether a static route answers a model id (<c>/v1/chat/completions</c> and the rest) or a service name (<c>/v1/services</c>).</summary>
public enum RouteKind
{
    Model,
    Service,
}

/// <summary>How a route kind is written: singular in the store and in upstream names, plural in the admin API's paths.</summary>
internal static class RouteKinds
{
    /// <summary><c>model</c> or <c>service</c>.</summary>
    public static string Name(this RouteKind kind) => kind == RouteKind.Model ? "model" : "service";

    /// <summary><c>models</c> or <c>services</c>, as in <c>/admin/routes/models/{name}</c>.</summary>
    public static string PathSegment(this RouteKind kind) => kind == RouteKind.Model ? "models" : "services";

    /// <summary>The kind an admin path names; null for any other segment.</summary>
    public static RouteKind? FromPathSegment(string segment) =>
        segment == RouteKind.Model.PathSegment() ? RouteKind.Model : segment == RouteKind.Service.PathSegment() ? RouteKind.Service : null;
}

/// <summary>
/// A static route created through the admin API and kept in the store, so every replica serves it and it survives a
/// restart. It replaces a configured route of the same kind and name while it exists.
/// </summary>
public sealed record StoredRoute(RouteKind Kind, string Name, IReadOnlyList<StaticUpstream> Upstreams, DateTimeOffset UpdatedAt);
