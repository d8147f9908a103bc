using Microsoft.Extensions.DependencyInjection.Extensions;
using Nexus.Gateway.Security;

namespace Microsoft.Extensions.Hosting;

/// <summary>The gateway's shared protection of its upstreams: the address policy registrations and static routes obey.</summary>
public static class GatewaySecurityExtensions
{
    /// <summary>Adds <c>UpstreamAddressPolicy</c> and what it reads, safe to call from every feature that needs it.</summary>
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.TryAddSingleton<GatewayDependencies>();
        services.TryAddSingleton<UpstreamAddressPolicy>();
        services.AddGatewayMtls();
        return services;
    }
}
