using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Limits;

namespace Nexus.Gateway.Tests.Limits;

/// <summary>Failing open: the shared store's failures fall back to this replica's counters, and releases follow their lease.</summary>
public sealed class FailOpenLimitStoreTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task AcquireAsync_SharedStoreFails_CountsLocallyAndReleasesLocally()
    {
        var shared = new Shared { Fails = true };
        var local = new MemoryLimitStore(_time);
        var store = Create(shared, local);
        var plan = Plan(new Policy { MaxConcurrentRequests = 1 });

        var first = await store.AcquireAsync(plan, CancellationToken.None);
        var second = await store.AcquireAsync(plan, CancellationToken.None);
        await store.ReleaseAsync(plan, first.Slot, plan.ReleaseDeltas(0), CancellationToken.None);
        var afterRelease = await store.AcquireAsync(plan, CancellationToken.None);

        first.Allowed.ShouldBeTrue();
        second.Allowed.ShouldBeFalse(); // the local counter holds the limit on its own
        afterRelease.Allowed.ShouldBeTrue();
        shared.Releases.ShouldBe(0); // a lease taken locally is never given back to the shared store
    }

    [Fact]
    public async Task AcquireAsync_SharedStoreAnswers_DecidesAndReleasesThere()
    {
        var shared = new Shared();
        var local = new MemoryLimitStore(_time);
        var store = Create(shared, local);
        var plan = Plan(new Policy { RequestsPerMinute = 5 });

        var decision = await store.AcquireAsync(plan, CancellationToken.None);
        await store.ReleaseAsync(plan, decision.Slot, [1], CancellationToken.None);

        decision.Slot.ShouldBe("shared-slot");
        shared.Releases.ShouldBe(1);
        (await local.AcquireAsync(Plan(new Policy { RequestsPerMinute = 1 }), CancellationToken.None)).Values.ShouldBe([1L]); // untouched
    }

    private FailOpenLimitStore Create(Shared shared, MemoryLimitStore local) =>
        new(shared, local, _services.GetRequiredService<IMeterFactory>(), NullLogger<FailOpenLimitStore>.Instance);

    private LimitPlan Plan(Policy policy) => new(LimitPlan.CountersFor("k:test", policy, _time.GetUtcNow()), 10);

    /// <summary>A shared store that answers or fails on demand.</summary>
    private sealed class Shared : ILimitStore
    {
        public bool Fails { get; init; }

        public int Releases { get; private set; }

        public ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken) =>
            Fails ? throw new LimitStoreException("Redis did not answer.") : ValueTask.FromResult(new LimitDecision(true, null, [1], "shared-slot"));

        public ValueTask ReleaseAsync(LimitPlan plan, string? slot, long[] deltas, CancellationToken cancellationToken)
        {
            Releases++;
            return ValueTask.CompletedTask;
        }
    }
}
