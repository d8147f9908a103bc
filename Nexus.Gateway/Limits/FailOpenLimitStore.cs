using System.Diagnostics.Metrics;

namespace Nexus.Gateway.Limits;

/// <summary>
/// The shared store, falling back to this replica's own counters while it fails (<see cref="LimitsOptions.FailOpen"/>):
/// traffic keeps flowing under per-replica limits instead of 503s. Each fallback is counted
/// (<c>nexus.gateway.limits.fallbacks</c>); the switch to local limits and back is logged once each way.
/// </summary>
internal sealed class FailOpenLimitStore : ILimitStore
{
    /// <summary>Marks a lease taken from the local counters, so its release goes back to them and not to Redis.</summary>
    private const string LocalSlot = "local";

    private readonly ILimitStore _shared;
    private readonly MemoryLimitStore _local;
    private readonly ILogger _logger;
    private readonly Counter<long> _fallbacks;
    private int _failing;

    public FailOpenLimitStore(ILimitStore shared, MemoryLimitStore local, IMeterFactory meters, ILogger<FailOpenLimitStore> logger)
    {
        _shared = shared;
        _local = local;
        _logger = logger;
        _fallbacks = meters.Create(Usage.GatewayMetrics.MeterName)
            .CreateCounter<long>("nexus.gateway.limits.fallbacks", "{request}", "Requests admitted under this replica's own limits because the shared limits store failed.");
    }

    public async ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken)
    {
        try
        {
            var decision = await _shared.AcquireAsync(plan, cancellationToken);
            if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1) LimitsLog.Recovered(_logger);
            return decision;
        }
        catch (LimitStoreException exception)
        {
            if (Interlocked.Exchange(ref _failing, 1) == 0) LimitsLog.FailingOpen(_logger, exception);
            _fallbacks.Add(1);
            var local = await _local.AcquireAsync(plan, cancellationToken);
            return local with { Slot = LocalSlot };
        }
    }

    public ValueTask ReleaseAsync(LimitPlan plan, string? slot, long[] deltas, CancellationToken cancellationToken) =>
        slot == LocalSlot ? _local.ReleaseAsync(plan, null, deltas, cancellationToken) : _shared.ReleaseAsync(plan, slot, deltas, cancellationToken);
}
