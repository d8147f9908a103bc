using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Gateway;
using Nexus.Gateway.Apis;
using Nexus.Gateway.Apis.Errors;
using Nexus.Gateway.Apis.Files;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Forwarding.Steps;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Routing.Health;
using Nexus.Gateway.Routing.Static;
using Nexus.Gateway.Usage;

namespace Microsoft.Extensions.Hosting;

/// <summary>One call per gateway feature, for Program.cs.</summary>
public static class GatewayExtensions
{
    /// <summary>Options, routing, load balancing and YARP's forwarder. Without a registry in DI, only static routes serve.</summary>
    public static IHostApplicationBuilder AddGatewayForwarding(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Random.Shared);
        services.TryAddSingleton<IServiceRegistry, NoServiceRegistry>();
        services.AddHttpForwarder();
        services.AddGatewaySecurity();
        services.TryAddSingleton<UpstreamInvoker>();
        services.TryAddSingleton<StaticRoutes>();
        services.TryAddSingleton<StaticReachability>();
        services.TryAddSingleton<RouteResolver>();
        services.TryAddSingleton<StaticUpstreamProber>();
        services.AddHostedService(sp => sp.GetRequiredService<StaticUpstreamProber>());
        services.TryAddSingleton<PassiveHealth>();
        services.TryAddSingleton<LoadBalancer>();
        services.TryAddSingleton<CanaryRouter>();
        services.TryAddSingleton<GatewayRequestReader>();
        services.TryAddSingleton<ForwardStep>();
        services.AddImageLinks();
        AddOpenAIErrors(services);
        return builder;
    }

    // Every answer under /v1/ in OpenAI's envelope: the framework's own (404, 405, 415, exceptions) through a problem
    // writer that goes first (the default one would claim them), and the request-line and header limits that Kestrel
    // would answer with an empty body.
    private static void AddOpenAIErrors(IServiceCollection services)
    {
        if (services.Any(d => d.ImplementationType == typeof(OpenAIProblemWriter))) return;
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, OpenAIProblemWriter>());
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelCeilingSetup>();
        services.AddTransient<IStartupFilter, RequestLimitsStartupFilter>();
    }

    /// <summary>Tenants, API keys and the admin credential, over the store (SQLite, or PostgreSQL with <c>ConnectionStrings:nexusdb</c>).</summary>
    public static IHostApplicationBuilder AddGatewayKeys(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGatewayStorage();
        builder.Services.TryAddSingleton<KeyAuthenticator>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(AuthThrottle)))
        {
            builder.Services.AddSingleton<AuthThrottle>();
            builder.Services.AddTransient<IStartupFilter, AuthThrottleStartupFilter>();
        }

        builder.Services.TryAddSingleton<AdminCredential>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AdminCredential>());
        builder.Services.AddHostedService<BootstrapKeys>();
        return builder;
    }

    /// <summary>The static routes the admin API keeps in the store, read at start and kept current on every replica.</summary>
    public static IHostApplicationBuilder AddGatewayStoredRoutes(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddGatewayStorage();
        builder.Services.TryAddSingleton<StoredRouteRefresher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StoredRouteRefresher>());
        return builder;
    }

    /// <summary>The audit trail (batched, flushed on shutdown) and the <c>Nexus.Gateway</c> meter.</summary>
    public static IHostApplicationBuilder AddGatewayUsage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<GatewayMetrics>();
        builder.Services.TryAddSingleton<AuditQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditQueue>());
        return builder;
    }

    /// <summary>The OpenAI-compatible API, <c>/v1/services</c>, <c>/v1/models</c>, <c>/v1/usage</c> and <c>/admin</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenAIApi();
        app.MapModelsApi();
        app.MapServicesApi();
        app.MapImageFilesApi();
        app.MapTenantUsageApi();
        app.MapAdminApi();
        return app;
    }
}
