using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.ServiceDefaults;
using Nexus.ServiceDefaults.Correlation;
using Nexus.ServiceDefaults.Docs;
using Nexus.ServiceDefaults.Errors;
using Nexus.ServiceDefaults.Health;
using Nexus.ServiceDefaults.Mcp;
using Nexus.ServiceDefaults.Metadata;
using Nexus.ServiceDefaults.Registration;
using Nexus.ServiceDefaults.Runtime;
using Nexus.ServiceDefaults.Security;
using Nexus.ServiceDefaults.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The two lines that make a Nexus service: <c>builder.AddServiceDefaults()</c> and <c>app.MapDefaultEndpoints()</c>.
/// In this namespace so that they need no <c>using</c>, as Aspire's service defaults do.
/// </summary>
public static class NexusServiceDefaultsExtensions
{
    /// <summary>Adds telemetry, logging, health checks, errors, OpenAPI, the service descriptor, MCP and self-registration.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var identity = ServiceIdentity.From(builder.Configuration, builder.Environment);
        var services = builder.Services;

        services.AddSingleton(identity);
        services.AddOptions<NexusServiceOptions>().BindConfiguration(NexusServiceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<NexusServiceOptionsSetup>();
        services.AddSingleton<IPostConfigureOptions<NexusServiceOptions>>(sp => sp.GetRequiredService<NexusServiceOptionsSetup>());
        services.AddSingleton<IValidateOptions<NexusServiceOptions>>(sp => sp.GetRequiredService<NexusServiceOptionsSetup>());
        services.TryAddSingleton(TimeProvider.System);

        builder.AddNexusConsoleLogging();
        builder.AddNexusTelemetry(identity);
        services.AddNexusHealthChecks();
        services.AddNexusErrors();
        services.AddOpenApi();
        services.AddTransient<IStartupFilter, NexusStartupFilter>();
        services.AddNexusMtls();
        services.AddSingleton<IHttpContextFactory>(sp => new CorrelatingHttpContextFactory(new DefaultHttpContextFactory(sp)));

        services.TryAddSingleton<DescriptorProvider>();
        // A service's own named clients opt in with .AddServiceDiscovery(); the registration client does.
        services.AddServiceDiscovery();
        services.AddRegistrationClient();
        services.AddHostedService<RegistrationService>();
        services.AddHostedService<NativeHeapTrimmer>();
        if (McpEndpoints.IsEnabled(builder.Configuration)) services.AddNexusMcp();
        return builder;
    }

    /// <summary>Maps health, metrics, the descriptor and its schema, the OpenAPI document, the <c>/docs</c> page and <c>/mcp</c>.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapNexusHealth();
        app.MapNexusContract();
        app.MapOpenApi(ContractPaths.OpenApi.Replace("v1", "{documentName}", StringComparison.Ordinal));

        app.MapNexusDocs();
        if (McpEndpoints.IsEnabled(app.Configuration)) app.MapNexusMcp();
        return app;
    }

    private static void AddNexusConsoleLogging(this IHostApplicationBuilder builder)
    {
        // The W3C trace and span ids go into every log entry's scope, beside ASP.NET Core's RequestId.
        builder.Logging.Configure(options => options.ActivityTrackingOptions |= ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        var format = builder.Configuration[$"{NexusServiceOptions.SectionName}:{nameof(NexusServiceOptions.LogFormat)}"] ?? "json";
        if (string.Equals(format, "text", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddSimpleConsole(console =>
            {
                console.IncludeScopes = true;
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(console =>
            {
                console.IncludeScopes = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
    }
}
