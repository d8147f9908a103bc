using System.Runtime.InteropServices;

namespace Nexus.Gateway.Limits;

/// <summary>
/// Counters in this process: right for a single gateway replica. Every request reads and bumps about ten counters
/// under one lock, so a bump updates each counter in place (one lookup) rather than reading it and then writing it.
/// </summary>
internal sealed class MemoryLimitStore(TimeProvider time) : ILimitStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (long Value, DateTimeOffset Expires)> _counters = new(StringComparer.Ordinal);
    private DateTimeOffset _nextSweep;

    public ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            Sweep(now);
            foreach (var counter in plan.Counters)
            {
                if (Current(counter.Key, now) + plan.IncrementOf(counter) > counter.Limit) return ValueTask.FromResult(new LimitDecision(false, counter, []));
            }

            var values = new long[plan.Counters.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var counter = plan.Counters[i];
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_counters, counter.Key, out _);
                values[i] = Live(entry, now) + plan.IncrementOf(counter);
                entry = (values[i], now + counter.Expiry);
            }

            return ValueTask.FromResult(new LimitDecision(true, null, values));
        }
    }

    public ValueTask ReleaseAsync(LimitPlan plan, string? slot, long[] deltas, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            for (var i = 0; i < deltas.Length; i++)
            {
                if (deltas[i] == 0) continue;
                var counter = plan.Counters[i];
                ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_counters, counter.Key, out var exists);
                entry = (Math.Max(0, Live(entry, now) + deltas[i]), exists ? entry.Expires : now + counter.Expiry);
            }
        }

        return ValueTask.CompletedTask;
    }

    private long Current(string key, DateTimeOffset now) => Live(_counters.GetValueOrDefault(key), now);

    // A counter added just now holds the default entry, whose expiry (MinValue) has always passed: it counts as zero.
    private static long Live((long Value, DateTimeOffset Expires) entry, DateTimeOffset now) => entry.Expires > now ? entry.Value : 0;

    // Windows expire every minute; dropping dead ones keeps memory flat over days.
    private void Sweep(DateTimeOffset now)
    {
        if (now < _nextSweep) return;
        _nextSweep = now.AddSeconds(30);
        foreach (var (key, entry) in _counters)
        {
            if (entry.Expires <= now) _counters.Remove(key);
        }
    }
}
