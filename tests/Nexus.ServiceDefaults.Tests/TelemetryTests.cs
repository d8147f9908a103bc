using System.Diagnostics;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Nexus.ServiceDefaults.Tests.Infrastructure;
using Nexus.Testing;

namespace Nexus.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Otlp_HttpProtobuf_ReceiverGetsTheRequestSpanWithItsTraceId()
    {
        await using var receiver = await RecordingServer.StartAsync(app =>
        {
            app.MapPost("/v1/traces", () => Results.Ok());
            app.MapPost("/v1/metrics", () => Results.Ok());
            app.MapPost("/v1/logs", () => Results.Ok());
        });
        var service = await EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "otlp-test-service",
        });
        var traceId = ActivityTraceId.CreateRandom();
        await SendTraced(service, "v1/items/42", traceId);
        await service.DisposeAsync(); // stopping flushes the exporters

        var traceIdBytes = Convert.FromHexString(traceId.ToHexString());
        var traces = await receiver.WaitForAsync(r => r.Path == "/v1/traces" && Contains(r.Body, traceIdBytes), TimeSpan.FromSeconds(15));
        traces.Headers["Content-Type"].ShouldBe("application/x-protobuf");
        Contains(traces.Body, "otlp-test-service"u8.ToArray()).ShouldBeTrue("the resource carries OTEL_SERVICE_NAME");
    }

    [Fact]
    public async Task Otlp_Grpc_ReceiverGetsTheRequestSpanWithItsTraceId()
    {
        await using var receiver = await RecordingServer.StartAsync(
            app => app.MapPost("/opentelemetry.proto.collector.{signal}.v1.{service}/Export", async (HttpContext context) =>
            {
                // An empty Export*ServiceResponse in one gRPC frame, then an OK status in the trailers.
                context.Response.ContentType = "application/grpc";
                await context.Response.Body.WriteAsync(new byte[5]);
                context.Response.AppendTrailer("grpc-status", "0");
            }),
            http2Only: true);
        var service = await EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
        });
        var traceId = ActivityTraceId.CreateRandom();
        await SendTraced(service, "v1/items/9", traceId);
        await service.DisposeAsync();

        var export = await receiver.WaitForAsync(
            r => r.Path.Contains("TraceService", StringComparison.Ordinal) && Contains(r.Body, Convert.FromHexString(traceId.ToHexString())),
            TimeSpan.FromSeconds(15));
        export.Headers["Content-Type"].ShouldStartWith("application/grpc");
    }

    [Fact]
    public async Task Otlp_HealthRequests_AreNotExported()
    {
        await using var receiver = await RecordingServer.StartAsync(app => app.MapPost("/v1/{signal}", () => Results.Ok()));
        var service = await EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        var healthTrace = ActivityTraceId.CreateRandom();
        var itemTrace = ActivityTraceId.CreateRandom();
        await SendTraced(service, "health", healthTrace);
        await SendTraced(service, "v1/items/7", itemTrace);
        await service.DisposeAsync();

        await receiver.WaitForAsync(r => r.Path == "/v1/traces" && Contains(r.Body, Convert.FromHexString(itemTrace.ToHexString())), TimeSpan.FromSeconds(15));
        receiver.Requests.Where(r => r.Path == "/v1/traces").ShouldNotContain(r => Contains(r.Body, Convert.FromHexString(healthTrace.ToHexString())));
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json", "'http/json' is not supported")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "is not an absolute http or https URL")]
    public async Task Otlp_BadSetting_RefusesToStartSayingWhy(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317", [key] = value };

        var error = await Should.ThrowAsync<InvalidOperationException>(() => EchoService.StartAsync(settings));

        error.Message.ShouldContain(message);
    }

    [SkippableFact]
    public async Task Metrics_Exposition_PassesPromtoolCheck()
    {
        var promtool = TestPrograms.Require("promtool");
        await using var service = await EchoService.StartAsync();
        using var meter = new System.Diagnostics.Metrics.Meter("Nexus.Tests.Promtool");
        // Names of its own: a meter of a test running beside this one is exported by this service too.
        meter.CreateCounter<long>("nexus.tests.promtool.checks", "{check}", "Checks run.").Add(1);
        meter.CreateHistogram<double>("nexus.tests.promtool.duration", "s", "Time spent on a check.").Record(0.5);
        (await service.Client.GetAsync("health")).EnsureSuccessStatusCode();
        (await service.Client.GetAsync("v1/items/1")).EnsureSuccessStatusCode();
        (await service.Client.GetAsync("no/such/path")).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
        var text = await service.Client.GetStringAsync("metrics");

        var start = new ProcessStartInfo(promtool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        var report = await output + await errors;

        // 0: clean; 3: lint notes only. The notes allowed are on OpenTelemetry's own standard names (a gauge such as
        // dotnet.assembly.count ends in _count), never on a Nexus metric.
        process.ExitCode.ShouldBeOneOf([0, 3], $"promtool: {report}");
        report.ShouldNotContain("error", Case.Insensitive);
        report.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldNotContain(line => line.StartsWith("nexus_", StringComparison.Ordinal), report);
        text.ShouldContain("http_server_request_duration_seconds_bucket{");
        text.ShouldContain("nexus_tests_promtool_duration_seconds_bucket{");
    }

    [Theory]
    [InlineData(null, "json")]
    [InlineData("text", "simple")]
    public async Task ConsoleLogs_DefaultIsJson_TextOnRequest(string? format, string expectedFormatter)
    {
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?> { ["Nexus:LogFormat"] = format });

        var options = service.App.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;

        options.FormatterName.ShouldBe(expectedFormatter);
    }

    private static async Task SendTraced(EchoService service, string path, ActivityTraceId traceId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-b7ad6b7169203331-01");
        (await service.Client.SendAsync(request)).EnsureSuccessStatusCode();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
