using System.Diagnostics.Metrics;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterRequests_ExposesFrameworkAndServiceMetersInPrometheusText()
    {
        await using var service = await EchoService.StartAsync();
        using var meter = new Meter("Nexus.Tests.Metrics");
        var jobs = meter.CreateCounter<long>("nexus.tests.jobs", "{job}", "Jobs processed.");
        var duration = meter.CreateHistogram<double>("nexus.tests.job.duration", "s", "Time spent on a job.");
        jobs.Add(3, new KeyValuePair<string, object?>("job.kind", "resize"));
        duration.Record(0.2);

        (await service.Client.GetAsync("health")).EnsureSuccessStatusCode();
        var text = await service.Client.GetStringAsync("metrics");

        // OpenTelemetry's naming: dots become underscores, the unit a suffix, counters end in _total; every sample
        // carries its meter as otel_scope_name, and target_info the resource.
        text.ShouldContain("# TYPE nexus_tests_jobs_total counter");
        text.ShouldContain("# HELP nexus_tests_jobs_total Jobs processed.");
        text.ShouldContain("nexus_tests_jobs_total{otel_scope_name=\"Nexus.Tests.Metrics\",job_kind=\"resize\"} 3");
        text.ShouldContain("# TYPE nexus_tests_job_duration_seconds histogram");
        text.ShouldContain("nexus_tests_job_duration_seconds_bucket{otel_scope_name=\"Nexus.Tests.Metrics\",le=\"+Inf\"} 1");
        // Seconds-scale buckets, not the SDK's millisecond-scale default: 0.2 s falls between 0.1 and 0.25.
        text.ShouldContain("nexus_tests_job_duration_seconds_bucket{otel_scope_name=\"Nexus.Tests.Metrics\",le=\"0.1\"} 0");
        text.ShouldContain("nexus_tests_job_duration_seconds_bucket{otel_scope_name=\"Nexus.Tests.Metrics\",le=\"0.25\"} 1");
        text.ShouldContain("nexus_tests_job_duration_seconds_count{otel_scope_name=\"Nexus.Tests.Metrics\"} 1");
        text.ShouldContain("# TYPE http_server_request_duration_seconds histogram");
        text.ShouldContain("target_info{service_name=\"nexus-servicedefaults-tests\"");
    }

    [Fact]
    public async Task Metrics_HistogramWithAdvisedBuckets_KeepsThem()
    {
        await using var service = await EchoService.StartAsync();
        using var meter = new Meter("Nexus.Tests.Advice");
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 3] };
        meter.CreateHistogram("nexus.tests.advised", "s", "With its own buckets.", tags: null, advice).Record(1.5);

        var text = await service.Client.GetStringAsync("metrics");

        text.ShouldContain("nexus_tests_advised_seconds_bucket{otel_scope_name=\"Nexus.Tests.Advice\",le=\"2\"} 1");
        text.ShouldNotContain("nexus_tests_advised_seconds_bucket{otel_scope_name=\"Nexus.Tests.Advice\",le=\"0.25\"}");
    }

    [Fact]
    public async Task Metrics_MeterNamedAfterTheService_IsExportedAndUnlistedMetersAreNot()
    {
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?> { ["Nexus:Name"] = "resizer" });
        using var own = new Meter("resizer");
        using var unrelated = new Meter("Acme.Transport.Internals");
        own.CreateCounter<long>("resizer.images", "{image}").Add(2);
        unrelated.CreateCounter<long>("acme.transport.packets", "{packet}").Add(5);

        var text = await service.Client.GetStringAsync("metrics");

        text.ShouldContain("resizer_images_total{otel_scope_name=\"resizer\"} 2");
        text.ShouldNotContain("acme_transport_packets");
    }
}
