namespace Nexus.Gateway.Limits;

/// <summary>Counters in this process: right for a single gateway replica.</summary>
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
                var current = Current(counter.Key, now);
                if (current + plan.IncrementOf(counter) > counter.Limit) return ValueTask.FromResult(new LimitDecision(false, counter, []));
            }

            var values = new long[plan.Counters.Count];
            for (var i = 0; i < values.Length; i++)
            {
                var counter = plan.Counters[i];
                values[i] = Current(counter.Key, now) + plan.IncrementOf(counter);
                _counters[counter.Key] = (values[i], now + counter.Expiry);
            }

            return ValueTask.FromResult(new LimitDecision(true, null, values));
        }
    }

    public ValueTask ReleaseAsync(LimitPlan plan, long[] deltas, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            for (var i = 0; i < deltas.Length; i++)
            {
                if (deltas[i] == 0) continue;
                var counter = plan.Counters[i];
                var expires = _counters.TryGetValue(counter.Key, out var entry) ? entry.Expires : now + counter.Expiry;
                _counters[counter.Key] = (Math.Max(0, Current(counter.Key, now) + deltas[i]), expires);
            }
        }

        return ValueTask.CompletedTask;
    }

    private long Current(string key, DateTimeOffset now) =>
        _counters.TryGetValue(key, out var entry) && entry.Expires > now ? entry.Value : 0;

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
