namespace Nexus.Gateway.Keys;

/// <summary>Who is calling: an active key and its tenant.</summary>
internal sealed record Caller(ApiKeyRecord Key, Tenant Tenant)
{
    public bool AllowsModel(string model) => Key.Policy.AllowsModel(model) && Tenant.Policy.AllowsModel(model);

    public bool AllowsScope(string scope) => Key.Policy.AllowsScope(scope) && Tenant.Policy.AllowsScope(scope);

    public bool MayReadRegistry => Tenant.Policy.ReadRegistry == true && Key.Policy.ReadRegistry != false;

    public bool AllowsTierHeader => Key.Policy.AllowTierHeader || (Key.Policy.DefaultTier is null && Tenant.Policy.AllowTierHeader);

    public bool AllowsRouteHeader =>
        Key.Policy.AllowRouteHeader || (Key.Policy.RouteLabels is null && Key.Policy.DefaultTier is null && Tenant.Policy.AllowRouteHeader);
}
