using Nexus.Gateway.Registry.Api;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the registry API: <c>app.MapRegistryApi()</c>, in this namespace so Program.cs needs no <c>using</c>.</summary>
public static class RegistryEndpointExtensions
{
    /// <summary>
    /// Maps <c>/v1/registry</c>. Returns the group of read endpoints (list, get, watch) so the host can put them
    /// behind its admin authorization; the write endpoints authenticate with the registration token and instance secrets.
    /// </summary>
    public static RouteGroupBuilder MapRegistryApi(this IEndpointRouteBuilder endpoints) => RegistryApi.Map(endpoints);
}
