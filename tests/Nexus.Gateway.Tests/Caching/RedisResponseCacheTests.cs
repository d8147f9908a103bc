using System.Net;
using System.Text;
using Nexus.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Nexus.Gateway.Tests.Caching;

/// <summary>The response cache in a real Redis, shared by gateway replicas.</summary>
public sealed class RedisResponseCacheTests
{
    private const string Deterministic = """{"model":"llama","temperature":0,"messages":[{"role":"user","content":"Hi"}]}""";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string json) =>
        await client.PostAsync("v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"));

    private static string? CacheHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-nexus-cache", out var values) ? values.Single() : null;

    private static Dictionary<string, string?> Settings(RedisServer redis, FakeUpstream upstream) => Routes.Model("llama", upstream)
        .With("Nexus:Gateway:SqlitePath", GatewayHost.NewDatabasePath())
        .With("ConnectionStrings:redis", redis.ConnectionString)
        .With("Nexus:Gateway:Limits:RedisTimeout", "00:00:02");

    [SkippableFact]
    public async Task TwoGateways_OneRedis_ShareEntries_UnderTheTenantsPrefix_WithTheTimeToLive()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = Settings(redis, upstream);
        await using var first = await GatewayHost.StartAsync(settings);
        await using var second = await GatewayHost.StartAsync(settings);
        var (tenantId, _, key) = await first.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 120 });
        var (otherTenant, _, otherKey) = await first.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 120 }, tenantName: "globex");
        using var a = first.Client(key);
        using var b = second.Client(key);
        using var other = second.Client(otherKey);

        using var miss = await PostAsync(a, Deterministic);
        using var hitElsewhere = await PostAsync(b, Deterministic);
        using var otherTenantMiss = await PostAsync(other, Deterministic);

        CacheHeader(miss).ShouldBe("miss");
        CacheHeader(hitElsewhere).ShouldBe("hit");
        CacheHeader(otherTenantMiss).ShouldBe("miss");
        (await hitElsewhere.Content.ReadAsStringAsync()).ShouldBe(await miss.Content.ReadAsStringAsync());
        upstream.Requests.ShouldBe(2);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = connection.GetServer(connection.GetEndPoints().Single());
        var keys = server.Keys(pattern: "nexus:cache:*").Select(k => k.ToString()).ToList();
        keys.Count.ShouldBe(2);
        keys.ShouldContain(k => k.StartsWith($"nexus:cache:{tenantId}:", StringComparison.Ordinal));
        keys.ShouldContain(k => k.StartsWith($"nexus:cache:{otherTenant}:", StringComparison.Ordinal));
        var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(keys[0]);
        ttl.ShouldNotBeNull();
        ttl.Value.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(120));
    }

    [SkippableFact]
    public async Task RedisKilledMidRun_RequestsAreForwardedUncached_NeverAnError()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        // Limits fail open, so the requests reach the cache step with Redis gone; the cache must not fail them itself.
        await using var gateway = await GatewayHost.StartAsync(Settings(redis, upstream)
            .With("Nexus:Gateway:Limits:FailOpen", "true")
            .With("Nexus:Gateway:Limits:RedisTimeout", "00:00:00.250"));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { responseCacheSeconds = 120 });
        using var client = gateway.Client(key);
        using var miss = await PostAsync(client, Deterministic);
        using var hit = await PostAsync(client, Deterministic);

        await redis.KillAsync();
        var afterKill = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++) afterKill.Add(await PostAsync(client, Deterministic));

        CacheHeader(hit).ShouldBe("hit");
        afterKill.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        afterKill.ShouldAllBe(r => CacheHeader(r) == "miss");
        upstream.Requests.ShouldBe(1 + 3);
        foreach (var response in afterKill) response.Dispose();
    }
}
