using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nexus.Contract;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nexus.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs in the shape of Aspire's service defaults: <c>AddOpenTelemetry()</c> with the ASP.NET Core,
/// HttpClient and runtime instrumentation, <c>UseOtlpExporter()</c> when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the SDK reads <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>grpc</c> or <c>http/protobuf</c>, and the other <c>OTEL_*</c>
/// variables itself), and OpenTelemetry's Prometheus exporter for <c>/metrics</c>, which always runs.
/// </summary>
internal static class TelemetryExtensions
{
    /// <summary>
    /// The meters an operator reads: HTTP server and client, Kestrel's connections, unhandled exceptions, the runtime
    /// (<c>AddRuntimeInstrumentation</c>), and every <c>Nexus.*</c> meter. Named rather than taken from
    /// <c>AddAspNetCoreInstrumentation()</c> or <c>*</c>: those also subscribe instruments recorded many times per request
    /// for diagnostics nobody here reads (the memory pool's rentals, routing's match attempts: a few percent of the
    /// gateway's CPU), and <c>*</c> some thirty QUIC transport instruments, each of which the SDK backs with a 2000-point
    /// array (~140 KB) for the life of the process.
    /// </summary>
    private static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http", "Nexus.*",
    ];

    /// <summary>
    /// Bucket bounds in seconds for Nexus histograms that give none: the SDK's default bounds (0, 5, 10, ... 10000) suit
    /// milliseconds, and would put every gateway overhead and most upstream calls in the first bucket. From half a
    /// millisecond (the gateway's own overhead) to two minutes (a long generation).
    /// </summary>
    private static readonly double[] SecondsBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120];

    /// <summary>Requests that only infrastructure makes, every few seconds: kept out of traces (they would bury the rest).</summary>
    private static readonly string[] InfrastructurePaths = [ContractPaths.Health, ContractPaths.Alive, ContractPaths.Metrics];

    public static void AddNexusTelemetry(this IHostApplicationBuilder builder, ServiceIdentity identity)
    {
        var exporting = OtlpSettings.Validate(builder.Configuration);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(
                    serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? identity.Name,
                    serviceVersion: identity.Version,
                    autoGenerateServiceInstanceId: false,
                    serviceInstanceId: identity.InstanceId)
                // Last, so it wins: the AppHost names each replica's service.instance.id there, and the dashboard
                // matches telemetry to its resource by it.
                .AddEnvironmentVariableDetector())
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddMeter(identity.Name)
                .AddRuntimeInstrumentation()
                .AddView(instrument => IsOwnSecondsHistogram(instrument, identity.Name) ? new ExplicitBucketHistogramConfiguration { Boundaries = SecondsBuckets } : null)
                .AddPrometheusExporter());

        if (!exporting) return;

        // Spans are recorded only when they go somewhere. Without a tracer provider ASP.NET Core still starts an
        // activity per request (for log scopes), so trace ids and traceparent propagation work unrecorded.
        otel.WithTracing(tracing => tracing
            .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsInfrastructure(context.Request.Path))
            .AddHttpClientInstrumentation()
            .AddSource("Nexus.*", identity.Name));

        // Only when exporting: with no exporter, the OpenTelemetry logger would build a record per log entry for nothing.
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeScopes = true;
            logging.IncludeFormattedMessage = true;
        });
        otel.UseOtlpExporter();
    }

    /// <summary>A histogram in seconds from a Nexus meter or the service's own, whose code advised no bucket bounds.</summary>
    private static bool IsOwnSecondsHistogram(Instrument instrument, string serviceMeter) =>
        instrument is Histogram<double> { Unit: "s", Advice: null } &&
        (instrument.Meter.Name.StartsWith("Nexus.", StringComparison.Ordinal) || instrument.Meter.Name == serviceMeter);

    private static bool IsInfrastructure(PathString path) =>
        Array.Exists(InfrastructurePaths, p => path.Equals(p, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The SDK reports a bad endpoint or protocol only through its own event source and then exports nothing; a service
    /// that was asked to export refuses to start instead, saying what is wrong.
    /// </summary>
    private static class OtlpSettings
    {
        public static bool Validate(IConfiguration configuration)
        {
            var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
            if (string.IsNullOrWhiteSpace(endpoint)) return false;
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an absolute http or https URL.");
            }

            if (configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] is { Length: > 0 } protocol && protocol is not ("grpc" or "http/protobuf"))
            {
                throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL '{protocol}' is not supported; use 'grpc' or 'http/protobuf'.");
            }

            return true;
        }
    }
}
