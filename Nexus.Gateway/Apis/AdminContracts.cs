using Nexus.Gateway.Keys;
using Nexus.Gateway.Routing.Static;

namespace Nexus.Gateway.Apis;

public sealed record CreateTenantRequest(string Name, Policy? Policy);

public sealed record UpdateTenantRequest(string? Name, Policy? Policy);

public sealed record CreateKeyRequest(string? Name, DateTimeOffset? ExpiresAt, Policy? Policy);

/// <summary>A key as listed: never the key or its hash.</summary>
public sealed record KeyInfo(string Id, string TenantId, string Name, string Prefix, Policy Policy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    internal static KeyInfo From(ApiKeyRecord key) => new(key.Id, key.TenantId, key.Name, key.Prefix, key.Policy, key.CreatedAt, key.ExpiresAt, key.RevokedAt);
}

/// <summary>A new key: <see cref="Key"/> appears in this response only.</summary>
public sealed record CreatedKey(string Key, KeyInfo Info);

public sealed record AuditPage(IReadOnlyList<Usage.AuditRecord> Data, long? Next);

/// <summary>The body of <c>PUT /admin/routes/{kind}/{name}</c>: the route's upstreams, replacing any it had.</summary>
public sealed record PutRouteRequest(List<StaticUpstream?>? Upstreams);

/// <summary>A static route as the admin API shows it; <see cref="Source"/> is <c>configuration</c> or <c>admin</c>.</summary>
public sealed record RouteInfo(string Kind, string Name, string Source, IReadOnlyList<RouteUpstreamInfo> Upstreams, DateTimeOffset? UpdatedAt)
{
    internal static RouteInfo From(StaticRoute route) => new(
        route.Kind.PathSegment(), route.Name, route.Source == RouteSource.Admin ? "admin" : "configuration",
        route.Upstreams.Select(u => new RouteUpstreamInfo(u.Url, u.Labels, u.Version, u.ApiKey is not null)).ToList(), route.UpdatedAt);
}

/// <summary>One upstream of a route as listed: whether it carries an upstream credential, never the credential.</summary>
public sealed record RouteUpstreamInfo(string Url, IReadOnlyDictionary<string, string> Labels, string? Version, bool HasApiKey);
