using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>The upstream continues the client's trace, whether or not the gateway exports traces.</summary>
public sealed class TraceContextTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string ClientSpanId = "00f067aa0ba902b7";

    [Theory]
    [InlineData(null)]
    // Nothing listens there: the exporter's failures are its own; what matters is that spans are recorded.
    [InlineData("http://127.0.0.1:9/")]
    public async Task Upstream_ReceivesTheGatewaysTraceContext(string? otlpEndpoint)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint));
        var (_, _, key) = await gateway.CreateKeyAsync();
        // No activity propagator on the test's client: it shares the gateway's process, where (with exporting on)
        // OpenTelemetry's HttpClient instrumentation would replace the traceparent it sends with a span of its own.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = gateway.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } }),
        };
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{TraceId}-{ClientSpanId}-01");

        using var response = await client.SendAsync(request);

        response.EnsureSuccessStatusCode();
        var traceparent = upstream.Traceparents.ShouldHaveSingleItem();
        traceparent.ShouldNotBeNull();
        traceparent.ShouldMatch($"^00-{TraceId}-[0-9a-f]{{16}}-0[01]$");
        traceparent.ShouldNotContain(ClientSpanId); // the gateway's own span is the upstream's parent
    }
}
