using System.Net;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Limits;

/// <summary>Rate limits, concurrency and budgets in memory (one replica).</summary>
public sealed class LimitsTests
{
    private static object Chat(int maxTokens = 90) => new { model = "llama", max_tokens = maxTokens, messages = new[] { new { role = "user", content = "Hi" } } };

    [Fact]
    public async Task Chat_OverRequestsPerMinute_Returns429WithRetryAfterAndHeaders()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { requestsPerMinute = 3 });
        using var client = gateway.Client(key);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await client.PostAsJsonAsync("v1/chat/completions", Chat());
            statuses.Add(last.StatusCode);
        }

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
        last!.Headers.RetryAfter.ShouldNotBeNull();
        last.Headers.GetValues("x-ratelimit-limit-requests").Single().ShouldBe("3");
        last.Headers.GetValues("x-ratelimit-remaining-requests").Single().ShouldBe("0");
        upstream.Requests.ShouldBe(3);
        last.Dispose();
    }

    [Fact]
    public async Task Chat_WithinLimits_CarriesRateLimitHeaders()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { requestsPerMinute = 100, tokensPerMinute = 100000 });
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat());

        response.Headers.GetValues("x-ratelimit-remaining-requests").Single().ShouldBe("99");
        response.Headers.GetValues("x-ratelimit-limit-tokens").Single().ShouldBe("100000");
        response.Headers.Contains("x-ratelimit-reset-tokens").ShouldBeTrue();
    }

    [Fact]
    public async Task Chat_FiftyParallelRequests_DailyBudgetNeverOvershoots()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        const int Budget = 1000;
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { dailyTokenBudget = Budget });
        using var client = gateway.Client(key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => client.PostAsJsonAsync("v1/chat/completions", Chat())));
        var succeeded = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var refused = responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        foreach (var response in responses) response.Dispose();

        succeeded.ShouldBeGreaterThan(0);
        (succeeded + refused).ShouldBe(50);
        (succeeded * (upstream.PromptTokens + upstream.CompletionTokens)).ShouldBeLessThanOrEqualTo(Budget);
        upstream.Requests.ShouldBe(succeeded);
    }

    [Fact]
    public async Task Chat_OverConcurrency_SecondRequestRefusedWhileFirstStreams()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.StreamGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { maxConcurrentRequests = 1 });
        using var client = gateway.Client(key);
        var stream = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "llama", stream = true, messages = new[] { new { role = "user", content = "Hi" } } }),
        };

        using var first = await client.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        using var second = await client.PostAsJsonAsync("v1/chat/completions", Chat());
        upstream.StreamGate.SetResult();
        await first.Content.ReadAsStringAsync();
        using var third = await client.PostAsJsonAsync("v1/chat/completions", Chat());

        second.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        third.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Chat_LimitsStoreUnreachable_Returns503Envelope()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var closedPort = await FreePortAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("ConnectionStrings:redis", $"127.0.0.1:{closedPort}"));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { requestsPerMinute = 10 });
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat());

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).ShouldContain("gateway_store_unavailable");
        upstream.Requests.ShouldBe(0);
    }

    private static Task<int> FreePortAsync()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return Task.FromResult(((IPEndPoint)listener.LocalEndpoint).Port);
    }
}
