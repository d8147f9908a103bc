using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Security;

namespace Microsoft.Extensions.Hosting;

/// <summary>The gateway's shared protections: the upstream address policy and the failed-authentication throttle.</summary>
public static class GatewaySecurityExtensions
{
    /// <summary>Adds <c>UpstreamAddressPolicy</c> and <c>FailedAuthThrottle</c> (<c>Nexus:Security:FailedAuth</c>), once however often called.</summary>
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ImplementationType == typeof(FailedAuthOptionsValidator))) return services;
        services.AddOptions<FailedAuthOptions>().BindConfiguration(FailedAuthOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FailedAuthOptions>, FailedAuthOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FailedAuthThrottle>();
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.TryAddSingleton<GatewayDependencies>();
        services.TryAddSingleton<UpstreamAddressPolicy>();
        return services;
    }
}
