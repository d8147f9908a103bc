using System.Net;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Limits;
using Nexus.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Nexus.Gateway.Tests.Limits;

/// <summary>Limits in a real Redis, shared by gateway replicas.</summary>
public sealed class RedisLimitsTests
{
    // Generous: these tests are about atomicity across replicas, and the whole suite shares two busy cores.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private const string SharedTimeout = "00:00:02";

    private static object Chat => new { model = "llama", max_tokens = 90, messages = new[] { new { role = "user", content = "Hi" } } };

    [SkippableFact]
    public async Task RedisLimitStore_AcquireAndRelease_CountsAtomicallyAndReconciles()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var store = new RedisLimitStore(connection, Timeout);
        var now = DateTimeOffset.UtcNow;
        var policy = new Policy { RequestsPerMinute = 2, DailyTokenBudget = 250 };
        LimitPlan Plan() => new LimitPlan(LimitPlan.CountersFor("k:test", policy, now), 100);

        var first = await store.AcquireAsync(Plan(), CancellationToken.None);
        var second = await store.AcquireAsync(Plan(), CancellationToken.None);
        var third = await store.AcquireAsync(Plan(), CancellationToken.None);

        first.Allowed.ShouldBeTrue();
        second.Allowed.ShouldBeTrue();
        third.Allowed.ShouldBeFalse();
        third.Exceeded!.Kind.ShouldBe(LimitKind.Requests);

        // 200 reserved of 250; the real usage was 10 each, so the budget has room again once reconciled.
        await store.ReleaseAsync(Plan(), null, Plan().ReleaseDeltas(10), CancellationToken.None);
        await store.ReleaseAsync(Plan(), null, Plan().ReleaseDeltas(10), CancellationToken.None);
        var budgetOnly = await store.AcquireAsync(new LimitPlan(LimitPlan.CountersFor("k:test", new Policy { DailyTokenBudget = 250 }, now), 200), CancellationToken.None);
        budgetOnly.Allowed.ShouldBeTrue();
        budgetOnly.Values.ShouldBe([220L]);
    }

    [SkippableFact]
    public async Task ConcurrencySlot_OfAReplicaThatDied_FreesWhenItsLeaseRunsOut()
    {
        await using var redis = await RedisServer.StartAsync();
        var lease = TimeSpan.FromSeconds(1);
        var plan = new LimitPlan(LimitPlan.CountersFor("k:test", new Policy { MaxConcurrentRequests = 1 }, DateTimeOffset.UtcNow), 0);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var survivor = new RedisLimitStore(connection, Timeout, lease);
        var died = new RedisLimitStore(connection, Timeout, lease);
        (await died.AcquireAsync(plan, CancellationToken.None)).Allowed.ShouldBeTrue();

        await died.DisposeAsync(); // stops renewing without releasing, as a killed process would
        var refusedAtOnce = await survivor.AcquireAsync(plan, CancellationToken.None);
        var later = await Eventually.WaitAsync(() => survivor.AcquireAsync(plan, CancellationToken.None).AsTask(), d => d.Allowed, "the dead replica's slot to expire", TimeSpan.FromSeconds(10));

        refusedAtOnce.Allowed.ShouldBeFalse();
        refusedAtOnce.Exceeded!.Kind.ShouldBe(LimitKind.Concurrency);
        later.Slot.ShouldNotBeNull();
    }

    [SkippableFact]
    public async Task ConcurrencySlot_OfALiveReplica_IsRenewedPastItsLease_AndFreedOnRelease()
    {
        await using var redis = await RedisServer.StartAsync();
        var lease = TimeSpan.FromSeconds(2);
        var plan = new LimitPlan(LimitPlan.CountersFor("k:test", new Policy { MaxConcurrentRequests = 1 }, DateTimeOffset.UtcNow), 0);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        await using var serving = new RedisLimitStore(connection, Timeout, lease);
        await using var other = new RedisLimitStore(connection, Timeout, lease);
        var held = await serving.AcquireAsync(plan, CancellationToken.None);

        await Task.Delay(lease * 2.5); // a long stream: the slot must outlive its first lease
        var whileServing = await other.AcquireAsync(plan, CancellationToken.None);
        await serving.ReleaseAsync(plan, held.Slot, plan.ReleaseDeltas(0), CancellationToken.None);
        var afterRelease = await other.AcquireAsync(plan, CancellationToken.None);

        held.Allowed.ShouldBeTrue();
        whileServing.Allowed.ShouldBeFalse();
        afterRelease.Allowed.ShouldBeTrue();
    }

    [SkippableFact]
    public async Task TwoGateways_OneRedis_HoldOneGlobalRequestLimit()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = Routes.Model("llama", upstream)
            .With("Nexus:Gateway:SqlitePath", GatewayHost.NewDatabasePath())
            .With("ConnectionStrings:redis", redis.ConnectionString)
            .With("Nexus:Gateway:Limits:RedisTimeout", SharedTimeout);
        await using var first = await GatewayHost.StartAsync(settings);
        await using var second = await GatewayHost.StartAsync(settings);
        var (_, _, key) = await first.CreateKeyAsync(tenantPolicy: new { requestsPerMinute = 20 });
        using var a = first.Client(key);
        using var b = second.Client(key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).PostAsJsonAsync("v1/chat/completions", Chat)));
        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        var limited = responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        foreach (var response in responses) response.Dispose();

        // A minute window could roll over mid-test; then both windows' limits apply, never more.
        ok.ShouldBeInRange(20, 40);
        if (ok == 20) limited.ShouldBe(20);
        upstream.Requests.ShouldBe(ok);
    }

    [SkippableFact]
    public async Task TwoGateways_FiftyParallelRequests_SharedBudgetNeverOvershoots()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = Routes.Model("llama", upstream)
            .With("Nexus:Gateway:SqlitePath", GatewayHost.NewDatabasePath())
            .With("ConnectionStrings:redis", redis.ConnectionString)
            .With("Nexus:Gateway:Limits:RedisTimeout", SharedTimeout);
        await using var first = await GatewayHost.StartAsync(settings);
        await using var second = await GatewayHost.StartAsync(settings);
        const int Budget = 1000;
        var (_, _, key) = await first.CreateKeyAsync(keyPolicy: new { dailyTokenBudget = Budget });
        using var a = first.Client(key);
        using var b = second.Client(key);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? a : b).PostAsJsonAsync("v1/chat/completions", Chat)));
        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        foreach (var response in responses) response.Dispose();

        ok.ShouldBeGreaterThan(0);
        (ok * (upstream.PromptTokens + upstream.CompletionTokens)).ShouldBeLessThanOrEqualTo(Budget);
        upstream.Requests.ShouldBe(ok);
    }
}
