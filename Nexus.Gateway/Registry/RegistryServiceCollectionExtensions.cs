using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Registry.Backends;
using Nexus.Gateway.Registry.Etcd;
using Nexus.Gateway.Registry.Health;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wires the service registry into the gateway: <c>builder.AddNexusRegistry()</c>.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>Adds the registry (embedded, or etcd when <c>Nexus:Registry:Etcd:Url</c> is set), its health prober and lease keeping.</summary>
    public static TBuilder AddNexusRegistry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RegistryOptions>().BindConfiguration(RegistryOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // The gateway is the registry: it must not register with itself (the AppHost gives every project the registry's address).
        services.PostConfigure<Nexus.ServiceDefaults.NexusServiceOptions>(options => options.Registry.Enabled = false);

        services.TryAddSingleton<ServiceRegistry>();
        services.TryAddSingleton<IServiceRegistry>(sp => sp.GetRequiredService<ServiceRegistry>());
        services.TryAddSingleton<RegistrationToken>();
        services.AddGatewaySecurity();
        services.TryAddSingleton<RegistrationValidator>();
        services.TryAddSingleton<DescriptorFetcher>();
        services.TryAddSingleton<Registrar>();
        // Instances are probed at the address they registered; following a redirect elsewhere would probe something else.
        // Every connection is checked against the address policy as it opens (DNS rebinding).
        services.AddHttpClient(DescriptorFetcher.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectCallback = sp.GetRequiredService<Nexus.Gateway.Security.UpstreamAddressPolicy>().ConnectAsync,
        });

        if (builder.Configuration[$"{RegistryOptions.SectionName}:Etcd:Url"] is { Length: > 0 }) AddEtcd(services);
        else services.TryAddSingleton<IRegistryBackend, EmbeddedBackend>();

        services.AddHostedService<RegistryBackendService>();
        services.AddHostedService<HealthProber>();
        return builder;
    }

    // Compiled only when etcd is configured, so a gateway on the embedded registry never loads the etcd and gRPC clients.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddEtcd(IServiceCollection services)
    {
        // One gRPC channel for the life of the gateway: its watch and keep-alive streams share the connection.
        services.TryAddSingleton(sp => CreateEtcdClient(new Uri(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.Etcd.Url!)));
        services.TryAddSingleton<EtcdBackend>();
        services.TryAddSingleton<IRegistryBackend>(sp => sp.GetRequiredService<EtcdBackend>());
        services.AddHealthChecks().AddCheck<EtcdHealthCheck>("registry-etcd");
    }

    // An https URL gets TLS, the server's certificate checked against the machine's trust store for the URL's host name
    // (the client otherwise names the server "my-etcd-server"); an http URL a plain HTTP/2 channel.
    private static dotnet_etcd.EtcdClient CreateEtcdClient(Uri url)
    {
        var address = url.GetLeftPart(UriPartial.Authority);
        return url.Scheme == Uri.UriSchemeHttps
            ? new dotnet_etcd.EtcdClient(address, ssl => ssl.TargetHost = url.Host, serverName: url.Host)
            : new dotnet_etcd.EtcdClient(address);
    }
}
