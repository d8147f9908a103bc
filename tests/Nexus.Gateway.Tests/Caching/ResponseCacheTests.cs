using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Caching;

/// <summary>The response cache in this process (one replica, no Redis).</summary>
public sealed class ResponseCacheTests
{
    private const string Deterministic = """{"model":"llama","temperature":0,"max_tokens":90,"messages":[{"role":"user","content":"Hi"}]}""";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string json) =>
        await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string? CacheHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-nexus-cache", out var values) ? values.Single() : null;

    [Fact]
    public async Task Chat_AtTemperatureZero_SecondRequestIsAHitWithTheSameAnswer_AndIsNotBilled()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (tenantId, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 60, tokensPerMinute = 100_000 });
        using var client = gateway.Client(key);

        using var miss = await PostAsync(client, "v1/chat/completions", Deterministic);
        // The same request with its members reordered and spaced differently: the same canonical body.
        using var hit = await PostAsync(client, "v1/chat/completions", """{ "messages": [ {"content":"Hi", "role":"user"} ], "max_tokens": 90, "temperature": 0.0, "model": "llama" }""");

        miss.StatusCode.ShouldBe(HttpStatusCode.OK);
        hit.StatusCode.ShouldBe(HttpStatusCode.OK);
        CacheHeader(miss).ShouldBe("miss");
        CacheHeader(hit).ShouldBe("hit");
        (await hit.Content.ReadAsStringAsync()).ShouldBe(await miss.Content.ReadAsStringAsync());
        hit.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        upstream.Requests.ShouldBe(1);
        // The hit's reservation is given back in full: only the miss's real usage (10 + 90) stays counted.
        long.Parse(hit.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), CultureInfo.InvariantCulture).ShouldBeLessThan(100_000 - 100);
        using var after = await PostAsync(client, "v1/chat/completions", Deterministic);
        var remaining = long.Parse(after.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), CultureInfo.InvariantCulture);
        remaining.ShouldBe(100_000 - 100 - (Deterministic.Length / 4 + 1 + 90)); // the miss's usage, and this request's own reservation

        var audit = await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 3);
        audit.Count(r => r!["instance"] is null && r["promptTokens"]!.GetValue<long>() == 0 && r["completionTokens"]!.GetValue<long>() == 0 && r["status"]!.GetValue<int>() == 200).ShouldBe(2);
        audit.Count(r => r!["promptTokens"]!.GetValue<long>() == 10).ShouldBe(1);
    }

    [Fact]
    public async Task Embeddings_Repeated_AreCached()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("minilm", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { responseCacheSeconds = 60 });
        using var client = gateway.Client(key);
        const string Body = """{"model":"minilm","input":"the cat sat"}""";

        using var first = await PostAsync(client, "v1/embeddings", Body);
        using var second = await PostAsync(client, "v1/embeddings", Body);
        using var other = await PostAsync(client, "v1/embeddings", """{"model":"minilm","input":"the dog sat"}""");

        CacheHeader(first).ShouldBe("miss");
        CacheHeader(second).ShouldBe("hit");
        CacheHeader(other).ShouldBe("miss");
        upstream.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task Tenants_SendingTheSameRequest_NeverShareAnEntry()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, first) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 60 }, tenantName: "acme");
        var (_, _, second) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 60 }, tenantName: "globex");
        using var a = gateway.Client(first);
        using var b = gateway.Client(second);

        using var aMiss = await PostAsync(a, "v1/chat/completions", Deterministic);
        using var bMiss = await PostAsync(b, "v1/chat/completions", Deterministic);
        using var aHit = await PostAsync(a, "v1/chat/completions", Deterministic);
        using var bHit = await PostAsync(b, "v1/chat/completions", Deterministic);

        CacheHeader(aMiss).ShouldBe("miss");
        CacheHeader(bMiss).ShouldBe("miss");
        CacheHeader(aHit).ShouldBe("hit");
        CacheHeader(bHit).ShouldBe("hit");
        upstream.Requests.ShouldBe(2);
    }

    [Theory]
    [InlineData("""{"model":"llama","temperature":0,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("""{"model":"llama","temperature":0.7,"messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("""{"model":"llama","messages":[{"role":"user","content":"Hi"}]}""")] // the default temperature samples
    public async Task Chat_StreamedOrSampled_IsNeverCached(string body)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 60 });
        using var client = gateway.Client(key);

        using var first = await PostAsync(client, "v1/chat/completions", body);
        await first.Content.ReadAsStringAsync();
        using var second = await PostAsync(client, "v1/chat/completions", body);
        await second.Content.ReadAsStringAsync();

        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        CacheHeader(first).ShouldBeNull();
        CacheHeader(second).ShouldBeNull();
        upstream.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task Chat_PolicyWithoutCaching_IsForwardedEveryTime()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        // The key turns off what its tenant turns on.
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 60 }, keyPolicy: new { responseCacheSeconds = 0 });
        using var client = gateway.Client(key);

        using var first = await PostAsync(client, "v1/chat/completions", Deterministic);
        using var second = await PostAsync(client, "v1/chat/completions", Deterministic);

        CacheHeader(second).ShouldBeNull();
        upstream.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task Chat_UpstreamFailed_IsNotCached()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = UpstreamBehavior.Fail500;
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 60 });
        using var client = gateway.Client(key);

        using var failed = await PostAsync(client, "v1/chat/completions", Deterministic);
        upstream.Behavior = UpstreamBehavior.Normal;
        using var next = await PostAsync(client, "v1/chat/completions", Deterministic);

        failed.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        next.StatusCode.ShouldBe(HttpStatusCode.OK);
        CacheHeader(next).ShouldBe("miss");
        upstream.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task Chat_AfterTheTimeToLive_IsAMissAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream), time: time);
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 30 });
        using var client = gateway.Client(key);

        using var miss = await PostAsync(client, "v1/chat/completions", Deterministic);
        time.Advance(TimeSpan.FromSeconds(29));
        using var hit = await PostAsync(client, "v1/chat/completions", Deterministic);
        time.Advance(TimeSpan.FromSeconds(2));
        using var expired = await PostAsync(client, "v1/chat/completions", Deterministic);

        CacheHeader(miss).ShouldBe("miss");
        CacheHeader(hit).ShouldBe("hit");
        CacheHeader(expired).ShouldBe("miss");
        upstream.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task Policy_NegativeCacheSeconds_IsRefused()
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.Admin.PostAsJsonAsync("admin/tenants", new { name = "bad", policy = new { responseCacheSeconds = -1 } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
