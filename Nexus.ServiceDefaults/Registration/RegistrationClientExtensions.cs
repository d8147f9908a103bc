using Microsoft.Extensions.DependencyInjection;
using Polly.Telemetry;

namespace Nexus.ServiceDefaults.Registration;

/// <summary>The registration client's HttpClient: service discovery, so <c>http://gateway</c> resolves from the AppHost's
/// <c>services__gateway__http__0</c>, and the standard resilience handler.</summary>
internal static class RegistrationClientExtensions
{
    public static void AddRegistrationClient(this IServiceCollection services)
    {
        // On this named client only, not on ConfigureHttpClientDefaults: there the resilience handler would also wrap
        // the OTLP exporter's client, and service discovery would rewrite the hosts of every client a service makes,
        // including the gateway's probes of addresses that its registration checks have already vetted.
        var client = services.AddHttpClient(nameof(RegistrationClient));
        client.AddStandardResilienceHandler(resilience =>
        {
            // Register, renew and deregister are idempotent (a repeated registration replaces the first), so a
            // transient failure is retried soon, twice; RegistrationService's own loop then backs off for as long as
            // the registry stays down. Deregistration at shutdown has 5 s in all, so an attempt gets less.
            resilience.Retry.MaxRetryAttempts = 2;
            resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
            resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(4);
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(10);
        });
        client.AddServiceDiscovery();

        // Polly logs each failed attempt and retry as a warning (a timeout as an error): while the gateway starts beside
        // the service, that is a page of warnings for an expected wait. RegistrationService reports the outcome instead,
        // as information while the registry is starting and as a warning after; its resilience events are information.
        services.Configure<TelemetryOptions>(telemetry =>
        {
            var previous = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args =>
                args.Source.PipelineName?.StartsWith(nameof(RegistrationClient), StringComparison.Ordinal) == true
                    ? (args.Event.Severity > ResilienceEventSeverity.Information ? ResilienceEventSeverity.Information : args.Event.Severity)
                    : previous?.Invoke(args) ?? args.Event.Severity;
        });

        // A factory rather than AddHttpClient<T>: a typed client's activator is compiled from an expression tree, which
        // loads System.Linq.Expressions into every service for one constructor call.
        services.AddTransient(sp => new RegistrationClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(RegistrationClient))));
    }
}
