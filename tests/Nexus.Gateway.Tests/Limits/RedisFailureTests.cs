using System.Net;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Limits;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.Gateway.Usage;
using StackExchange.Redis;

namespace Nexus.Gateway.Tests.Limits;

/// <summary>Redis failing under the gateway (frozen, refusing a password, losing its scripts) and its readiness.</summary>
public sealed class RedisFailureTests
{
    // Far longer than the 250 ms Redis timeout, far shorter than the library's own 5 s: a request that waits on a frozen
    // Redis fails this bound instead of answering.
    private static readonly TimeSpan NoStall = TimeSpan.FromSeconds(3);

    private static object Chat => new { model = "llama", max_tokens = 90, messages = new[] { new { role = "user", content = "Hi" } } };

    [SkippableFact]
    public async Task Chat_RedisFrozen_Answers503AtOnce_AndServesAgainWhenItThaws()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("ConnectionStrings:redis", redis.ConnectionString));
        // 1% of 100 is one request, too little to slice: every request asks Redis.
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { requestsPerMinute = 100 });
        using var client = gateway.Client(key);
        client.Timeout = NoStall;
        using (var before = await client.PostAsJsonAsync("v1/chat/completions", Chat)) before.StatusCode.ShouldBe(HttpStatusCode.OK);

        await redis.FreezeAsync();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var frozen = await client.PostAsJsonAsync("v1/chat/completions", Chat);
                frozen.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                (await frozen.Content.ReadAsStringAsync()).ShouldContain("gateway_store_unavailable");
            }
        }
        finally
        {
            await redis.ThawAsync();
        }

        await Eventually.WaitAsync(() => StatusAsync(client), s => s == HttpStatusCode.OK, "requests to pass once Redis answers again");
        upstream.Requests.ShouldBeGreaterThanOrEqualTo(2);
    }

    [SkippableFact]
    public async Task Chat_RedisFrozenUnderSlicedLimits_ServesAtMostWhatTheSliceHeld_Then503s()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("ConnectionStrings:redis", redis.ConnectionString));
        const int Limit = 1000;
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { requestsPerMinute = Limit });
        using var client = gateway.Client(key);
        client.Timeout = NoStall;
        (await StatusAsync(client)).ShouldBe(HttpStatusCode.OK); // takes this replica's slice

        await redis.FreezeAsync();
        var statuses = new List<HttpStatusCode>();
        try
        {
            for (var i = 0; i < Limit / 100 + 5; i++) statuses.Add(await StatusAsync(client));
        }
        finally
        {
            await redis.ThawAsync();
        }

        // What the slice still held (at most 1% of the limit) is served; then Redis is needed, and it does not answer.
        var served = statuses.TakeWhile(s => s == HttpStatusCode.OK).Count();
        served.ShouldBeLessThanOrEqualTo(Limit / 100);
        statuses.Skip(served).ShouldAllBe(s => s == HttpStatusCode.ServiceUnavailable);
        await Eventually.WaitAsync(() => StatusAsync(client), s => s == HttpStatusCode.OK, "requests to pass once Redis answers again");
    }

    [SkippableFact]
    public async Task Chat_RedisFrozenWithFailOpen_ServesUnderLocalLimits_AndCountsEachFallback()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream)
            .With("ConnectionStrings:redis", redis.ConnectionString)
            .With("Nexus:Gateway:Limits:FailOpen", "true"));
        using var recorder = new MeterRecorder(gateway.App.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), GatewayMetrics.MeterName);
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { requestsPerMinute = 2 });
        using var client = gateway.Client(key);
        client.Timeout = NoStall;

        await redis.FreezeAsync();
        var statuses = new List<HttpStatusCode>();
        try
        {
            for (var i = 0; i < 3; i++) statuses.Add(await StatusAsync(client));
        }
        finally
        {
            await redis.ThawAsync();
        }

        // The local counters enforce the key's limit on their own: two pass, the third is refused.
        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
        recorder.Sum("nexus.gateway.limits.fallbacks").ShouldBe(3);
        upstream.Requests.ShouldBe(2);
    }

    [SkippableFact]
    public async Task Health_RedisFrozen_IsUnhealthyWhileLivenessStaysUp_ThenRecovers()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis.ConnectionString });
        await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.OK, "readiness with Redis up");

        await redis.FreezeAsync();
        try
        {
            await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.ServiceUnavailable, "readiness to fail while Redis is frozen");
            (await HealthAsync(gateway, "alive")).ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await redis.ThawAsync();
        }

        await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.OK, "readiness once Redis answers again");
    }

    [SkippableFact]
    public async Task Chat_RedisWithPassword_SharesLimitsWithTheRightPassword_AndRefusesWithAWrongOne()
    {
        await using var redis = await RedisServer.StartAsync(password: "s3cret-redis-password");
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = Routes.Model("llama", upstream).With("ConnectionStrings:redis", redis.ConnectionString);
        await using var gateway = await GatewayHost.StartAsync(settings);
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { requestsPerMinute = 2 });
        using var client = gateway.Client(key);

        var statuses = new[] { await StatusAsync(client), await StatusAsync(client), await StatusAsync(client) };

        statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests]);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        (await connection.GetDatabase().ExecuteAsync("DBSIZE")).ToString().ShouldNotBe("0"); // the counters live in Redis

        await using var wrong = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("ConnectionStrings:redis", $"127.0.0.1:{redis.Port},password=wrong"));
        var (_, _, other) = await wrong.CreateKeyAsync(keyPolicy: new { requestsPerMinute = 2 });
        using var refused = await wrong.Client(other).PostAsJsonAsync("v1/chat/completions", Chat);
        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [SkippableFact]
    public async Task RedisLimitStore_AfterScriptFlush_LoadsItsScriptsAgainAndKeepsCounting()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString + ",allowAdmin=true");
        await using var store = new RedisLimitStore(connection, TimeSpan.FromSeconds(2));
        var plan = new LimitPlan(LimitPlan.CountersFor("k:flush", new Policy { RequestsPerMinute = 10 }, DateTimeOffset.UtcNow), 0);
        (await store.AcquireAsync(plan, CancellationToken.None)).Values.ShouldBe([1L]);

        await connection.GetServer(connection.GetEndPoints()[0]).ScriptFlushAsync();
        var after = await store.AcquireAsync(plan, CancellationToken.None);

        after.Allowed.ShouldBeTrue();
        after.Values.ShouldBe([2L]);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> HealthAsync(GatewayHost gateway, string path)
    {
        using var response = await gateway.Http.GetAsync(path);
        return response.StatusCode;
    }
}
