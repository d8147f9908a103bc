using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Nexus.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs. Metrics always run (<c>/metrics</c> reads them); traces are recorded and all three
/// exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Configured through the core SDK because
/// OpenTelemetry.Extensions.Hosting is not available to us (docs/packages.md).
/// </summary>
internal static class TelemetryExtensions
{
    /// <summary>The framework's own sources and meters, plus every <c>Nexus.*</c> source a service defines.</summary>
    private static readonly string[] ActivitySources = ["Microsoft.AspNetCore", "System.Net.Http", "Nexus.*"];

    /// <summary>
    /// The meters an operator reads: HTTP server and client, Kestrel's connections, unhandled exceptions, the runtime,
    /// and every <c>Nexus.*</c> meter. Named rather than <c>*</c>, which also collects instruments recorded many times
    /// per request for diagnostics nobody here reads (the memory pool's rentals, routing's match attempts: a few
    /// percent of the gateway's CPU) and some thirty QUIC transport instruments, each of which the SDK backs with a
    /// 2000-point array (~140 KB) for the life of the process.
    /// </summary>
    private static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http", "System.Runtime", "Nexus.*",
    ];

    public static void AddNexusTelemetry(this IHostApplicationBuilder builder, ServiceIdentity identity)
    {
        var otlp = OtlpSettings.From(builder.Configuration);
        var resource = CreateResource(builder.Configuration, identity);
        var prometheus = new PrometheusScrapeExporter();

        var sdk = OpenTelemetrySdk.Create(otel =>
        {
            otel.ConfigureResource(r => r.Clear().AddAttributes(resource.Attributes));
            // Spans are recorded only when they go somewhere. Without an exporter, ASP.NET Core still starts an
            // activity per request (for log scopes), so trace ids and traceparent propagation work unrecorded.
            if (otlp is not null)
            {
                otel.WithTracing(tracing => tracing
                    .AddSource(ActivitySources)
                    .AddSource(identity.Name)
                    .SetSampler(new ParentBasedSampler(new AlwaysOnSampler())));
            }

            otel.WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddMeter(identity.Name)
                .AddReader(prometheus.Reader));
            if (otlp is not null) otel.UseOtlpExporter(otlp.Protocol, otlp.Endpoint);
        });

        builder.Services.AddSingleton(prometheus);
        builder.Services.AddSingleton(_ => new TelemetryLifetime(sdk)); // factory-made, so the container disposes it
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryLifetime>());

        if (otlp is not null)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
                logging.SetResourceBuilder(ResourceBuilder.CreateEmpty().AddAttributes(resource.Attributes));
                logging.AddOtlpExporter(exporter =>
                {
                    exporter.Protocol = otlp.Protocol;
                    // Set in code, the HTTP endpoint is the full signal URL; the base endpoint only implies it from the environment.
                    exporter.Endpoint = otlp.Protocol == OtlpExportProtocol.HttpProtobuf ? new Uri(otlp.Endpoint, "v1/logs") : otlp.Endpoint;
                });
            });
        }
    }

    private static Resource CreateResource(IConfiguration configuration, ServiceIdentity identity)
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var pair in (configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0) attributes[pair[..separator].Trim()] = Uri.UnescapeDataString(pair[(separator + 1)..].Trim());
        }

        return ResourceBuilder.CreateEmpty()
            .AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] ?? identity.Name,
                serviceVersion: identity.Version,
                autoGenerateServiceInstanceId: false,
                serviceInstanceId: identity.InstanceId)
            .AddAttributes(attributes)
            .AddTelemetrySdk()
            .Build();
    }

    private sealed record OtlpSettings(OtlpExportProtocol Protocol, Uri Endpoint)
    {
        public static OtlpSettings? From(IConfiguration configuration)
        {
            var endpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
            if (string.IsNullOrWhiteSpace(endpoint)) return null;
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_ENDPOINT '{endpoint}' is not an absolute URL.");
            }

            var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] switch
            {
                null or "" or "grpc" => OtlpExportProtocol.Grpc,
                "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
                var other => throw new InvalidOperationException($"OTEL_EXPORTER_OTLP_PROTOCOL '{other}' is not supported; use 'grpc' or 'http/protobuf'."),
            };

            var withSlash = uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
            return new OtlpSettings(protocol, withSlash);
        }
    }
}

/// <summary>Owns the SDK so that its providers flush and stop when the host is disposed.</summary>
internal sealed class TelemetryLifetime(OpenTelemetrySdk sdk) : IHostedService, IDisposable
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        sdk.TracerProvider.ForceFlush(5000);
        sdk.MeterProvider.ForceFlush(5000);
        return Task.CompletedTask;
    }

    public void Dispose() => sdk.Dispose();
}

/// <summary>Marks requests to infrastructure endpoints (health, metrics) as not recorded so exporters skip them.</summary>
internal static class InfrastructureTraces
{
    public static void Suppress(Activity? activity)
    {
        if (activity is null) return;
        activity.IsAllDataRequested = false;
        activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
    }
}
