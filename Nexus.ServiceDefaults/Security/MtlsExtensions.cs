using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Security;

/// <summary>Internal mutual TLS (<see cref="MtlsOptions"/>): nothing changes while <c>Nexus:Mtls</c> is unset.</summary>
internal static class MtlsExtensions
{
    public static void AddNexusMtls(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NexusServiceOptions>, MtlsOptionsValidation>());
        services.TryAddSingleton<MtlsCredentials>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, MtlsKestrelSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HttpClientFactoryOptions>, MtlsClientHandlers>());
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, PlainHttpHealthOnly>());
    }
}
