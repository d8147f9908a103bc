using System.Diagnostics;
using Nexus.Contract;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

public sealed class CorrelationTests
{
    [Fact]
    public async Task RequestId_SafeValueFromCaller_IsEchoedAndInEveryLogScope()
    {
        await using var service = await EchoService.StartAsync(map: app =>
            app.MapGet("/log", (ILogger<CorrelationTests> logger) =>
            {
                logger.LogInformation("handling the request");
                return "ok";
            }));
        using var request = new HttpRequestMessage(HttpMethod.Get, "log");
        request.Headers.Add(ContractHeaders.RequestId, "order-42.attempt_1");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        using var response = await service.Client.SendAsync(request);

        response.Headers.GetValues(ContractHeaders.RequestId).Single().ShouldBe("order-42.attempt_1");
        var entry = service.Logs.Entries.Single(e => e.Message == "handling the request");
        entry.Scope["RequestId"].ShouldBe("order-42.attempt_1");
        entry.Scope["TraceId"].ShouldBe("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("tab\tinside")]
    [InlineData(null)]
    public async Task RequestId_UnsafeOrMissing_IsReplacedWithGeneratedId(string? sent)
    {
        await using var service = await EchoService.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "health");
        if (sent is not null) request.Headers.TryAddWithoutValidation(ContractHeaders.RequestId, sent);

        using var response = await service.Client.SendAsync(request);

        var echoed = response.Headers.GetValues(ContractHeaders.RequestId).Single();
        echoed.ShouldNotBe(sent);
        echoed.ShouldMatch("^[0-9a-f]{32}$");
    }

    [Fact]
    public async Task RequestId_Oversized_IsReplaced()
    {
        await using var service = await EchoService.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "health");
        request.Headers.Add(ContractHeaders.RequestId, new string('a', 129));

        using var response = await service.Client.SendAsync(request);

        response.Headers.GetValues(ContractHeaders.RequestId).Single().ShouldMatch("^[0-9a-f]{32}$");
    }

    [Fact]
    public async Task RequestId_ErrorResponse_StillCarriesIt()
    {
        await using var service = await EchoService.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/echo") { Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(ContractHeaders.RequestId, "bad-body-1");

        using var response = await service.Client.SendAsync(request);

        ((int)response.StatusCode).ShouldBe(400);
        response.Headers.GetValues(ContractHeaders.RequestId).Single().ShouldBe("bad-body-1");
    }

    [Fact]
    public async Task Traceparent_OutgoingHttpClientCall_CarriesTheIncomingTraceId()
    {
        await using var downstream = await RecordingServer.StartAsync(app => app.MapGet("/ping", () => "pong"));
        await using var service = await EchoService.StartAsync(map: app =>
            app.MapGet("/call", async (IHttpClientFactory factory) =>
                await factory.CreateClient().GetStringAsync(new Uri(downstream.BaseAddress, "ping"))));
        const string traceId = "0af7651916cd43dd8448eb211c80319c";
        using var request = new HttpRequestMessage(HttpMethod.Get, "call");
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");

        (await service.Client.SendAsync(request)).EnsureSuccessStatusCode();

        var outgoing = downstream.Requests.Single(r => r.Path == "/ping");
        outgoing.Headers["traceparent"].ShouldStartWith($"00-{traceId}-");
        ActivityTraceId.CreateFromString(outgoing.Headers["traceparent"].AsSpan(3, 32)).ToHexString().ShouldBe(traceId);
    }
}
