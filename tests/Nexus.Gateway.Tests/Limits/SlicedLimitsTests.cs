using System.Net;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Limits;
using Nexus.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace Nexus.Gateway.Tests.Limits;

/// <summary>Replicas spending local slices of Redis counters: the global limit within 1%, slices that come back, isolation.</summary>
public sealed class SlicedLimitsTests
{
    // Generous: these tests are about accounting across replicas, and the whole suite shares two busy cores.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static object Chat => new { model = "llama", max_tokens = 90, messages = new[] { new { role = "user", content = "Hi" } } };

    [SkippableFact]
    public async Task TwoReplicas_ConcurrentLoad_AdmitTheLimitWithinOnePercentAndNeverMore()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        const int Limit = 20_000;
        var plan = Plan("k:load", new Policy { RequestsPerMinute = Limit });
        await using var first = Replica(connection);
        await using var second = Replica(connection);

        // Eight workers per replica take requests until each is refused: the limit is then used up everywhere.
        var admitted = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => AdmitUntilRefusedAsync(i % 2 == 0 ? first : second, plan))));

        (await CounterAsync(connection, plan)).ShouldBeLessThanOrEqualTo(Limit);
        admitted.Sum().ShouldBeInRange((int)(Limit * (1 - SlicedLimitStore.Accuracy)), Limit);
    }

    [SkippableFact]
    public async Task TwoGateways_OneRedis_ConcurrentLoad_StayWithinOnePercentOfTheGlobalLimit()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await FakeUpstream.StartAsync();
        var settings = Routes.Model("llama", upstream)
            .With("Nexus:Gateway:SqlitePath", GatewayHost.NewDatabasePath())
            .With("ConnectionStrings:redis", redis.ConnectionString)
            .With("Nexus:Gateway:Limits:RedisTimeout", "00:00:02");
        await using var first = await GatewayHost.StartAsync(settings);
        await using var second = await GatewayHost.StartAsync(settings);
        const int Limit = 600;
        var (_, _, key) = await first.CreateKeyAsync(tenantPolicy: new { requestsPerMinute = Limit });
        using var a = first.Client(key);
        using var b = second.Client(key);
        await OneMinuteWindowAheadAsync();

        // 16 clients, half on each replica, send 700 requests for a limit of 600.
        var next = 0;
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async client =>
        {
            while (Interlocked.Increment(ref next) <= 700)
            {
                using var response = await (client % 2 == 0 ? a : b).PostAsJsonAsync("v1/chat/completions", Chat);
                statuses.Add(response.StatusCode);
            }
        }));
        var ok = statuses.Count(s => s == HttpStatusCode.OK);

        ok.ShouldBeInRange((int)(Limit * (1 - SlicedLimitStore.Accuracy)), Limit);
        statuses.Count(s => s == HttpStatusCode.TooManyRequests).ShouldBe(700 - ok);
        upstream.Requests.ShouldBe(ok);
    }

    [SkippableFact]
    public async Task StoppedReplica_GivesItsUnspentSliceBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        const int Limit = 1000;
        var plan = Plan("k:stop", new Policy { RequestsPerMinute = Limit });
        var stopping = Replica(connection);
        await using var other = Replica(connection);
        await AdmitAsync(stopping, plan, 50); // a slice larger than what it used

        await stopping.DisposeAsync();
        var admitted = await AdmitUntilRefusedAsync(other, plan);

        // Everything but what was spent comes back; a refusal may come once 99% of the limit is used (the 1% bound).
        admitted.ShouldBeInRange(Limit - 50 - Limit / 100, Limit - 50);
    }

    [SkippableFact]
    public async Task KilledReplica_ItsUnspentSliceExpiresBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var doomedConnection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        const int Limit = 1000;
        var plan = Plan("k:killed", new Policy { RequestsPerMinute = Limit });
        var killed = Replica(doomedConnection, TimeSpan.FromSeconds(2));
        await using var survivor = Replica(connection, TimeSpan.FromSeconds(2));
        await AdmitAsync(killed, plan, 50);

        // Cut off before it can give anything back, as a killed process would be.
        await doomedConnection.DisposeAsync();
        await killed.DisposeAsync();
        var counted = await CounterAsync(connection, plan);
        var whileLeased = await AdmitUntilRefusedAsync(survivor, plan);
        await Eventually.WaitAsync(() => survivor.AcquireAsync(plan, CancellationToken.None).AsTask(), d => d.Allowed, "the killed replica's slice to expire back");
        var afterExpiry = 1 + await AdmitUntilRefusedAsync(survivor, plan);

        counted.ShouldBeGreaterThan(50); // it held more than it used
        // What it used stays counted, except what it spent after its last call to Redis (at most its slice, 1% of the
        // limit): for a rate limit, coming back matters more than those few requests.
        (whileLeased + afterExpiry).ShouldBeInRange(Limit - 50, Limit - 50 + (int)SlicedLimitStore.CapOf(plan.Counters[0]));
    }

    [SkippableFact]
    public async Task KilledReplica_ItsBudgetSliceStaysCounted_SoTheBudgetIsNeverOvershot()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var doomedConnection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        const int Budget = 10_000, Tokens = 10;
        var plan = Plan("k:budget", new Policy { DailyTokenBudget = Budget }, Tokens);
        var killed = Replica(doomedConnection, TimeSpan.FromSeconds(1));
        await using var survivor = Replica(connection, TimeSpan.FromSeconds(1));
        await AdmitAsync(killed, plan, 5);

        await doomedConnection.DisposeAsync();
        await killed.DisposeAsync();
        var counted = await CounterAsync(connection, plan);
        await Eventually.WaitAsync(() => LiveLeasesAsync(connection, plan), n => n == 0, "the killed replica's lease to run out");
        var admitted = await AdmitUntilRefusedAsync(survivor, plan);

        // The killed replica may have spent its whole slice before it died: all of it stays counted.
        counted.ShouldBeGreaterThan(5 * Tokens);
        admitted.ShouldBe((int)((Budget - counted) / Tokens));
        (await CounterAsync(connection, plan)).ShouldBeLessThanOrEqualTo(Budget);
    }

    [SkippableFact]
    public async Task OneTenantsSlice_NeverServesAnotherTenantsKey()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        const int Limit = 1000;
        var mine = Plan("t:mine", new Policy { RequestsPerMinute = Limit });
        var theirs = Plan("t:theirs", new Policy { RequestsPerMinute = Limit });
        await using var replica = Replica(connection);
        await AdmitAsync(replica, mine, 100); // holds a slice of its own counter

        var theirsAdmitted = await AdmitUntilRefusedAsync(replica, theirs);

        theirsAdmitted.ShouldBe(Limit);
        (await CounterAsync(connection, theirs)).ShouldBe(Limit);
        // Only its own use and slice: the other tenant's requests never touched it.
        (await CounterAsync(connection, mine)).ShouldBeLessThanOrEqualTo(100 + SlicedLimitStore.CapOf(mine.Counters[0]));
    }

    [SkippableFact]
    public async Task TwoReplicas_ConcurrencySlices_NeverAdmitMoreInFlightThanTheLimit_AndFreeOnRelease()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        const int Limit = 200;
        var plan = Plan("k:conc", new Policy { MaxConcurrentRequests = Limit });
        await using var first = Replica(connection);
        await using var second = Replica(connection);

        // 300 requests start at once and none ends.
        var decisions = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => (i % 2 == 0 ? first : second).AcquireAsync(plan, CancellationToken.None).AsTask())));
        var inFlight = decisions.Count(d => d.Allowed);
        var firstAllowed = decisions.Where((d, i) => d.Allowed && i % 2 == 0).ToList();
        var onSecond = inFlight - firstAllowed.Count;
        foreach (var decision in firstAllowed) await first.ReleaseAsync(plan, decision.Slot, plan.ReleaseDeltas(0), CancellationToken.None);
        // The first replica's freed slots reach the second once its idle slice gives them back (its next tick).
        var gained = 0;
        await Eventually.WaitAsync(async () => gained += await AdmitUntilRefusedAsync(second, plan), g => g >= firstAllowed.Count, "the freed slots to reach the other replica");

        inFlight.ShouldBeInRange((int)(Limit * (1 - SlicedLimitStore.Accuracy)), Limit);
        firstAllowed.Count.ShouldBeGreaterThan(0);
        (onSecond + gained).ShouldBeLessThanOrEqualTo(Limit);
    }

    private static SlicedLimitStore Replica(IConnectionMultiplexer connection, TimeSpan? lease = null) =>
        new(new RedisLimitStore(connection, Timeout), TimeProvider.System, lease ?? TimeSpan.FromSeconds(10));

    // A window some minutes ahead: it cannot end while the test runs (a replica stops slicing a window that ended).
    private static LimitPlan Plan(string scope, Policy policy, long tokens = 0) =>
        new(LimitPlan.CountersFor(scope, policy, DateTimeOffset.UtcNow.AddMinutes(10)), tokens);

    private static async Task AdmitAsync(SlicedLimitStore store, LimitPlan plan, int count)
    {
        for (var i = 0; i < count; i++) (await store.AcquireAsync(plan, CancellationToken.None)).Allowed.ShouldBeTrue();
    }

    private static async Task<int> AdmitUntilRefusedAsync(SlicedLimitStore store, LimitPlan plan)
    {
        var admitted = 0;
        while ((await store.AcquireAsync(plan, CancellationToken.None)).Allowed) admitted++;
        return admitted;
    }

    private static async Task<long> CounterAsync(IConnectionMultiplexer connection, LimitPlan plan)
    {
        var value = await connection.GetDatabase().StringGetAsync(plan.Counters[0].Key);
        return value.IsNull ? 0 : (long)value;
    }

    /// <summary>Slices of a counter whose lease still runs, by Redis's clock.</summary>
    private static async Task<long> LiveLeasesAsync(IConnectionMultiplexer connection, LimitPlan plan)
    {
        const string Script = "local t = redis.call('TIME') return redis.call('ZCOUNT', KEYS[1], '(' .. (t[1] * 1000 + math.floor(t[2] / 1000)), '+inf')";
        return (long)await connection.GetDatabase().ScriptEvaluateAsync(Script, [plan.Counters[0].Key + ":e"]);
    }

    /// <summary>Waits for a new minute when this one is nearly over, so the test's requests share one window.</summary>
    private static async Task OneMinuteWindowAheadAsync()
    {
        var second = DateTimeOffset.UtcNow.Second;
        if (second > 30) await Task.Delay(TimeSpan.FromSeconds(61 - second));
    }
}
