namespace Nexus.AppHost.Composition;

/// <summary>
/// Tenant keys for the services of this deployment that call the gateway as tenants (the agents, knowledge). The gateway
/// creates each at start (<c>Nexus__Gateway__BootstrapKeys__{tenant}__Key</c>: the tenant <c>tn_{tenant}</c>, the key
/// stored as a hash), and the service is given the same value, so no operator has to create a key before the first run.
/// </summary>
internal static class TenantKeys
{
    /// <summary>A persisted secret that is a tenant key (<c>nx-...</c>), registered at the gateway for <paramref name="tenant"/>.</summary>
    /// <param name="builder">The app model.</param>
    /// <param name="gateway">The gateway that creates the key at start.</param>
    /// <param name="tenant">The tenant's name; its id at the gateway is <c>tn_{tenant}</c> (what <c>X-Nexus-Tenant</c> carries).</param>
    /// <param name="readRegistry">Whether the tenant may read the registry (the agents' tool bus does).</param>
    public static IResourceBuilder<ParameterResource> AddNexusTenantKey(this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> gateway, string tenant, bool readRegistry = false)
    {
        var key = builder.AddNexusSecret($"{tenant}-key", persist: true, prefix: "nx-");
        gateway.WithEnvironment($"Nexus__Gateway__BootstrapKeys__{tenant}__Key", key);
        if (readRegistry) gateway.WithEnvironment($"Nexus__Gateway__BootstrapKeys__{tenant}__ReadRegistry", "true");
        return key;
    }

    /// <summary>The tenant id the gateway gives a bootstrap key's tenant.</summary>
    public static string TenantId(string tenant) => "tn_" + tenant;
}
