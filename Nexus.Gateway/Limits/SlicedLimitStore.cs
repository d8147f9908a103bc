using StackExchange.Redis;

namespace Nexus.Gateway.Limits;

/// <summary>
/// Redis-shared limits without a Redis round trip per request: each replica takes a slice of a counter (requests or
/// tokens per minute, a budget, concurrency slots) in one script call and spends it in this process, topping it up in
/// the background before it runs dry and giving back what it does not use. The sum of all replicas' unspent units is
/// held to 1% of each limit by Redis, so the limit holds globally within 1% (<see cref="SliceScript"/>). A counter whose
/// 1% is under two requests' worth (a limit of 10) cannot be sliced: plans with one go to Redis per request.
/// </summary>
/// <remarks>
/// A slice is spent only while its lease surely still runs in Redis and while Redis answered the last call: a frozen or
/// unreachable Redis leaves a replica at most what its slices hold, after which requests fail as documented (503, or
/// local limits when failing open).
/// </remarks>
internal sealed class SlicedLimitStore : ILimitStore, IAsyncDisposable
{
    /// <summary>The share of a limit every replica's unspent slices may hold together: the accuracy bound.</summary>
    public const double Accuracy = 0.01;

    /// <summary>Marks a request admitted from this replica's slices, so its release is settled here too.</summary>
    public const string SliceSlot = "slice";

    /// <summary>A slice holds what the observed rate spends in this long, so a refill comes well before it runs dry.</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromMilliseconds(500);

    /// <summary>A window's slice is kept a little past its end, for the reconciliations of its last requests.</summary>
    private static readonly TimeSpan WindowGrace = TimeSpan.FromSeconds(5);

    private readonly RedisLimitStore _redis;
    private readonly TimeProvider _time;
    private readonly string _replica = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LocalSlice> _slices = new(StringComparer.Ordinal);
    private readonly ITimer _tick;
    private readonly long _validity;
    private int _failing;
    private int _exchanging;
    private int _refillDue;
    private int _tickDue;
    private int _disposed;

    public SlicedLimitStore(RedisLimitStore redis, TimeProvider time, TimeSpan lease)
    {
        _redis = redis;
        _time = time;
        Lease = lease;
        // Half the lease: Redis started the lease after this replica sent the call, and the clocks may drift a little.
        _validity = (long)(lease.TotalSeconds / 2 * time.TimestampFrequency);
        _tick = time.CreateTimer(_ => Tick(), null, lease / 5, lease / 5);
    }

    /// <summary>How long a slice outlives this replica's last call to Redis; renewed five times per lease.</summary>
    public TimeSpan Lease { get; }

    /// <summary>A counter's cap: 1% of its limit, the most that every replica's unspent slices may hold together.</summary>
    public static long CapOf(LimitCounter counter) => (long)(counter.Limit * Accuracy);

    /// <summary>Sliced only when 1% of the limit holds at least two requests: a slice of a limit of 10 is not 1% of it.</summary>
    public static bool IsSliceable(LimitCounter counter, long increment) => CapOf(counter) >= 2 * Math.Max(1, increment);

    public async ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken)
    {
        var counters = plan.Counters;
        if (counters.Count == 0) return new LimitDecision(true, null, []);
        var wallClock = _time.GetUtcNow();
        for (var i = 0; i < counters.Count; i++)
        {
            // A window that ended may have had its slice dropped here: a new slice of it would not know what the old one spent.
            if (!IsSliceable(counters[i], plan.IncrementOf(counters[i])) || HasEnded(counters[i], wallClock)) return await _redis.AcquireAsync(plan, cancellationToken);
        }

        var slices = new LocalSlice[counters.Count];
        long[]? values;
        var low = false;
        lock (_lock)
        {
            for (var i = 0; i < slices.Length; i++) slices[i] = SliceOf(counters[i], plan.IncrementOf(counters[i]));
            values = Volatile.Read(ref _failing) == 0 ? TakeLocally(plan, slices, _time.GetTimestamp(), out low) : null;
        }

        if (values is not null)
        {
            if (low) Refill();
            return new LimitDecision(true, null, values, SliceSlot);
        }

        return await ExchangeForRequestAsync(plan, slices, cancellationToken);
    }

    public ValueTask ReleaseAsync(LimitPlan plan, string? slot, long[] deltas, CancellationToken cancellationToken)
    {
        if (slot != SliceSlot) return _redis.ReleaseAsync(plan, slot, deltas, cancellationToken);
        var overspent = false;
        lock (_lock)
        {
            for (var i = 0; i < deltas.Length; i++)
            {
                // A window that ended meanwhile has no slice left: its Redis counter is expiring, nothing to correct.
                if (deltas[i] == 0 || !_slices.TryGetValue(plan.Counters[i].Key, out var slice)) continue;
                slice.Used = Math.Max(0, slice.Used + deltas[i]);
                overspent |= slice.Used > slice.Held;
            }
        }

        // Tokens used beyond the reservation were spent all the same: Redis counts them at once.
        if (overspent) Refill();
        return ValueTask.CompletedTask;
    }

    /// <summary>Stops the renewals and gives every unspent unit back, so a replica that stops takes no capacity along.</summary>
    public async ValueTask DisposeAsync()
    {
        await _tick.DisposeAsync();
        // No top-up may reach Redis after the slices are given back: let one under way finish, start no other.
        Volatile.Write(ref _disposed, 1);
        for (var waited = 0; Volatile.Read(ref _exchanging) == 1 && waited < 1000; waited++) await Task.Delay(5);
        var sentAt = _time.GetTimestamp();
        Task<RedisResult>? call;
        List<Exchange> batch = [];
        lock (_lock)
        {
            foreach (var slice in _slices.Values)
            {
                if (slice.Held > 0) batch.Add(Prepare(slice, want: 0, increment: 0, shrink: true));
            }

            call = Send(batch, CancellationToken.None);
        }

        try
        {
            await ApplyAsync(batch, sentAt, call);
        }
        // Redis down at shutdown: the leases run out on their own and the unspent rest comes back then.
        catch (Exception exception) when (exception is LimitStoreException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Spends every counter's increment from its slice, or none; null when any slice lacks it or may have lapsed.</summary>
    private long[]? TakeLocally(LimitPlan plan, LocalSlice[] slices, long now, out bool low)
    {
        low = false;
        for (var i = 0; i < slices.Length; i++)
        {
            if (slices[i].Available < plan.IncrementOf(plan.Counters[i]) || now > slices[i].ValidUntil) return null;
        }

        var values = new long[slices.Length];
        for (var i = 0; i < slices.Length; i++)
        {
            var slice = slices[i];
            slice.Used += plan.IncrementOf(plan.Counters[i]);
            slice.UsedSinceTick = true;
            slice.PeakUsed = Math.Max(slice.PeakUsed, slice.Used);
            values[i] = slice.Total - slice.Available;
            low |= slice.Available < Math.Max(slice.Target / 2, slice.LargestIncrement);
        }

        return values;
    }

    /// <summary>A slice ran short: one call admits this request against Redis and tops the slices up in the same step.</summary>
    private async ValueTask<LimitDecision> ExchangeForRequestAsync(LimitPlan plan, LocalSlice[] slices, CancellationToken cancellationToken)
    {
        var batch = new List<Exchange>(slices.Length);
        var sentAt = _time.GetTimestamp();
        Task<RedisResult>? call;
        lock (_lock)
        {
            for (var i = 0; i < slices.Length; i++)
            {
                var increment = plan.IncrementOf(plan.Counters[i]);
                var slice = slices[i];
                UpdateTarget(slice, sentAt);
                batch.Add(Prepare(slice, slice.Pending + slice.Used + increment + slice.Target, increment, shrink: false));
                slice.Pending += increment;
            }

            call = Send(batch, cancellationToken);
        }

        long[]? reply = null;
        try
        {
            reply = await ApplyAsync(batch, sentAt, call);
        }
        finally
        {
            lock (_lock)
            {
                var allowed = reply is not null && reply[0] == 0;
                for (var i = 0; i < batch.Count; i++)
                {
                    var slice = batch[i].Slice;
                    slice.Pending -= batch[i].Increment;
                    if (allowed) slice.Used += batch[i].Increment;
                }
            }
        }

        if (reply![0] > 0) return new LimitDecision(false, plan.Counters[(int)reply[0] - 1], []);
        var values = new long[slices.Length];
        lock (_lock)
        {
            for (var i = 0; i < slices.Length; i++)
            {
                slices[i].UsedSinceTick = true;
                slices[i].PeakUsed = Math.Max(slices[i].PeakUsed, slices[i].Used);
                values[i] = slices[i].Total - slices[i].Available;
            }
        }

        return new LimitDecision(true, null, values, SliceSlot);
    }

    /// <summary>Tops up the slices running low, in the background.</summary>
    private void Refill()
    {
        Volatile.Write(ref _refillDue, 1);
        StartExchanging();
    }

    private void Tick()
    {
        Volatile.Write(ref _tickDue, 1);
        StartExchanging();
    }

    private void StartExchanging()
    {
        if (Volatile.Read(ref _exchanging) == 0) _ = Task.Run(ExchangeAsync);
    }

    /// <summary>
    /// One exchange at a time, each one call for every slice that needs it: on a tick every slice is renewed and resized
    /// to its rate (an idle one gives its unspent units back, a window that ended is dropped); on a refill only the
    /// slices running low are topped up. Work asked for meanwhile is done by the next round of the loop.
    /// </summary>
    private async Task ExchangeAsync()
    {
        if (Interlocked.Exchange(ref _exchanging, 1) == 1) return;
        try
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                var tick = Interlocked.Exchange(ref _tickDue, 0) == 1;
                var refill = Interlocked.Exchange(ref _refillDue, 0) == 1;
                if (!tick && !refill) break;
                var sentAt = _time.GetTimestamp();
                var (batch, call) = tick ? PrepareTick(sentAt) : PrepareRefill(sentAt);
                await ApplyAsync(batch, sentAt, call);
            }
        }
        // Redis unreachable or slow: the slices are no longer spent (SendAsync noted the failure) and the next tick tries again.
        catch (Exception exception) when (exception is LimitStoreException or ObjectDisposedException)
        {
            Volatile.Write(ref _refillDue, 0);
        }
        finally
        {
            Volatile.Write(ref _exchanging, 0);
        }

        // Asked for between the loop's last look and the flag's reset: not lost.
        if ((Volatile.Read(ref _tickDue) == 1 || Volatile.Read(ref _refillDue) == 1) && Volatile.Read(ref _disposed) == 0) StartExchanging();
    }

    private (List<Exchange> Batch, Task<RedisResult>? Call) PrepareRefill(long now)
    {
        var batch = new List<Exchange>();
        lock (_lock)
        {
            foreach (var slice in _slices.Values)
            {
                if (slice.Available >= Math.Max(slice.Target / 2, slice.LargestIncrement) && slice.Used <= slice.Held) continue;
                UpdateTarget(slice, now);
                batch.Add(Prepare(slice, slice.Pending + slice.Used + slice.Target, 0, shrink: false));
            }

            return (batch, Send(batch, CancellationToken.None));
        }
    }

    private (List<Exchange> Batch, Task<RedisResult>? Call) PrepareTick(long now)
    {
        var batch = new List<Exchange>();
        var wallClock = _time.GetUtcNow();
        lock (_lock)
        {
            List<string>? dropped = null;
            foreach (var (key, slice) in _slices)
            {
                var ended = HasEnded(slice.Counter, wallClock);
                var idle = !slice.UsedSinceTick && slice.Pending == 0;
                if ((ended || (idle && slice.Held == 0 && slice.Used == 0)) && slice.Pending == 0)
                {
                    (dropped ??= []).Add(key);
                    continue;
                }

                UpdateTarget(slice, now);
                // An idle slice keeps only what is in use; a busy one its peak in flight (concurrency) or use plus its target.
                var want = idle ? slice.Used : (slice.IsConcurrency ? slice.PeakUsed : slice.Used) + slice.Target;
                slice.UsedSinceTick = false;
                slice.PeakUsed = slice.Used;
                if (slice.Held == 0 && want == 0) continue;
                batch.Add(Prepare(slice, slice.Pending + want, 0, shrink: want < slice.Held));
            }

            foreach (var key in dropped ?? []) _slices.Remove(key);
            return (batch, Send(batch, CancellationToken.None));
        }
    }

    /// <summary>Numbers an exchange; a shrink lowers the local hold before Redis does, so nothing is spent that it gives back.</summary>
    private Exchange Prepare(LocalSlice slice, long want, long increment, bool shrink)
    {
        // Redis counts units used beyond the slice without asking (they were spent), so a refill reports only what was
        // spent; a request's exchange adds the requests still waiting on theirs, which Redis checks against the limit.
        var used = (increment > 0 ? slice.Pending + increment : 0) + slice.Used;
        var seq = ++slice.Sent;
        if (shrink)
        {
            slice.Held = Math.Max(Math.Min(slice.Held, want), slice.Used);
            slice.Barrier = seq;
        }

        return new Exchange(slice, seq, Math.Max(want, used), used, increment, shrink);
    }

    /// <summary>
    /// Sends a batch (nothing when it is empty). Called under the lock, so Redis runs the calls in the order of their
    /// numbers and the newest answer is the state after every earlier call.
    /// </summary>
    private Task<RedisResult>? Send(List<Exchange> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0) return null;
        var keys = new RedisKey[batch.Count];
        var args = new RedisValue[2 + batch.Count * SliceScript.ArgsPerCounter];
        args[0] = _replica;
        args[1] = (long)Lease.TotalMilliseconds;
        for (var i = 0; i < batch.Count; i++)
        {
            var (slice, _, want, used, increment, shrink) = batch[i];
            var counter = slice.Counter;
            keys[i] = counter.Key;
            var at = 2 + i * SliceScript.ArgsPerCounter;
            args[at] = counter.Kind switch
            {
                LimitKind.Concurrency => SliceScript.ConcurrencyKind,
                LimitKind.DailyBudget or LimitKind.MonthlyBudget => SliceScript.BudgetKind,
                _ => SliceScript.WindowKind,
            };
            args[at + 1] = counter.Limit;
            args[at + 2] = (long)counter.Expiry.TotalSeconds;
            args[at + 3] = increment;
            args[at + 4] = want;
            args[at + 5] = used;
            args[at + 6] = CapOf(counter);
            args[at + 7] = shrink ? "1" : "0";
        }

        return _redis.EvalAsync(SliceScript.Lua, keys, args, cancellationToken);
    }

    /// <summary>Applies a batch's answer to its slices; null for an empty batch.</summary>
    private async Task<long[]?> ApplyAsync(List<Exchange> batch, long sentAt, Task<RedisResult>? call)
    {
        if (call is null) return null;
        RedisResult result;
        try
        {
            result = await call;
            Volatile.Write(ref _failing, 0);
        }
        catch (LimitStoreException)
        {
            Volatile.Write(ref _failing, 1);
            throw;
        }

        var items = result.Resp2Type == ResultType.Array ? (RedisResult[])result! : throw new LimitStoreException("Redis returned no array from the slices script.");
        var reply = new long[items.Length];
        for (var i = 0; i < items.Length; i++) reply[i] = (long)items[i];
        if (reply[0] > 0) return reply;
        lock (_lock)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var (slice, seq, _, _, _, _) = batch[i];
                // Only the newest answer, and none older than a shrink (which lowered the hold here first), says what is held.
                if (seq <= slice.Applied || seq < slice.Barrier) continue;
                slice.Applied = seq;
                slice.Total = reply[1 + i * 2];
                slice.Held = reply[2 + i * 2];
                slice.ValidUntil = sentAt + _validity;
                slice.UsedAtExchange = slice.Used;
                slice.ExchangedAt = sentAt;
            }
        }

        return reply;
    }

    /// <summary>Sizes a slice to what its rate spends within the horizon: at least two of its largest requests, at most the cap.</summary>
    private void UpdateTarget(LocalSlice slice, long now)
    {
        var floor = 2 * Math.Max(1, slice.LargestIncrement);
        var cap = CapOf(slice.Counter);
        if (slice.IsConcurrency)
        {
            slice.Target = cap;
            return;
        }

        var elapsed = (now - slice.ExchangedAt) / (double)_time.TimestampFrequency;
        var spent = slice.Used - slice.UsedAtExchange;
        var wanted = elapsed > 0 && spent > 0 ? (long)Math.Ceiling(spent / elapsed * Horizon.TotalSeconds) : floor;
        slice.Target = Math.Clamp(wanted, floor, Math.Max(floor, cap));
    }

    private LocalSlice SliceOf(LimitCounter counter, long increment)
    {
        if (!_slices.TryGetValue(counter.Key, out var slice))
        {
            slice = new LocalSlice(counter) { ExchangedAt = _time.GetTimestamp() };
            _slices[counter.Key] = slice;
        }

        // The same key with a changed policy (a new limit): the newest counter's limit applies.
        slice.Counter = counter;
        slice.LargestIncrement = Math.Max(slice.LargestIncrement, increment);
        return slice;
    }

    private static bool HasEnded(LimitCounter counter, DateTimeOffset now) =>
        counter.ResetsAt != DateTimeOffset.MinValue && now > counter.ResetsAt + WindowGrace;

    /// <summary>One slice's part of a call: what it asks to hold, what it has used (this request included), and the request's increment.</summary>
    private readonly record struct Exchange(LocalSlice Slice, long Seq, long Want, long Used, long Increment, bool Shrink);
}
