using Nexus.Gateway.Keys;
using Nexus.Gateway.Mcp.Routes;
using Nexus.Gateway.Routing.Static;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Storage;

/// <summary>The gateway's durable state: tenants, keys, settings, static routes, MCP routes and the audit trail. SQLite or PostgreSQL.</summary>
public interface IGatewayStore
{
    Task MigrateAsync(CancellationToken cancellationToken);

    Task CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken);

    Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken);

    Task<bool> UpdateTenantAsync(Tenant tenant, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant and revokes its keys; its audit records stay.</summary>
    Task<bool> DeleteTenantAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    Task<ApiKeyRecord?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken);

    Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string tenantId, CancellationToken cancellationToken);

    Task<bool> UpdateKeyPolicyAsync(string id, Policy policy, CancellationToken cancellationToken);

    Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken);

    /// <summary>Stores the value unless one exists; returns whether this call stored it.</summary>
    Task<bool> TrySetSettingAsync(string name, string value, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredRoute>> ListRoutesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Creates or replaces a route. Its <see cref="StoredRoute.UpdatedAt"/> only ever grows, even when clocks disagree
    /// between replicas, so a replica can tell a changed route by that time alone.
    /// </summary>
    Task<StoredRoute> PutRouteAsync(RouteKind kind, string name, IReadOnlyList<StaticUpstream> upstreams, DateTimeOffset at, CancellationToken cancellationToken);

    Task<bool> DeleteRouteAsync(RouteKind kind, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredMcpRoute>> ListMcpRoutesAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces an MCP route; its <see cref="StoredMcpRoute.UpdatedAt"/> only ever grows, as a route's does.</summary>
    Task<StoredMcpRoute> PutMcpRouteAsync(string name, McpRouteUpstream upstream, DateTimeOffset at, CancellationToken cancellationToken);

    Task<bool> DeleteMcpRouteAsync(string name, CancellationToken cancellationToken);

    Task WriteAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<UsageRow>> QueryUsageAsync(UsageQuery query, CancellationToken cancellationToken);
}
