using System.Collections.Concurrent;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Nexus.Gateway.Limits;

/// <summary>
/// Counters in Redis, shared by every gateway replica. Each acquire and release is one Lua script, so the check and
/// the bump of all of a request's counters are atomic across replicas: limits hold globally, not per replica.
/// A concurrency limit is a sorted set of named slots, each leased for <see cref="SlotLease"/> and renewed by the
/// replica serving the request: a replica that dies mid-request (killed, crashed, cut off) frees its slots when their
/// leases run out, instead of holding them for as long as traffic keeps the counter alive.
/// Every call is bounded by <see cref="LimitsOptions.RedisTimeout"/> and every failure (unreachable, frozen, refused) is a
/// <see cref="LimitStoreException"/>, which the gateway answers with 503 or, failing open, with local limits.
/// The scripts go through <see cref="IDatabaseAsync.ScriptEvaluateAsync(string, RedisKey[], RedisValue[], CommandFlags)"/>,
/// which sends EVALSHA and reloads a script Redis no longer holds (a restart, SCRIPT FLUSH); not
/// <see cref="LuaScript"/>, whose named parameters cannot carry a request's variable number of counters.
/// </summary>
internal sealed class RedisLimitStore : ILimitStore, IAsyncDisposable
{
    /// <summary>How long a slot outlives its last renewal; renewals come three times per lease.</summary>
    public static readonly TimeSpan DefaultSlotLease = TimeSpan.FromSeconds(60);

    // Redis's own clock, so replicas with skewed clocks agree on which leases have run out.
    internal const string Now =
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

        """;

    // A slot set's live slots: a request's named slot counts one, a replica's slice (SliceScript) the slots it holds,
    // recorded in the hash K:w. Drops expired members and the weights of members no longer in the set.
    internal const string SlotsFunction =
        """
        local function slots(k)
          redis.call('ZREMRANGEBYSCORE', k, '-inf', now)
          local n = redis.call('ZCARD', k)
          local w = redis.call('HGETALL', k .. ':w')
          for j = 1, #w, 2 do
            if redis.call('ZSCORE', k, w[j]) then n = n + tonumber(w[j + 1]) - 1 else redis.call('HDEL', k .. ':w', w[j]) end
          end
          return n
        end

        """;

    // KEYS: counters. ARGV: slot name, lease ms, then per counter limit, increment, ttl seconds, 1 for a slot set.
    // Returns {0, values...} or {index, current}.
    private const string AcquireScript = Now + SlotsFunction +
        """
        local slot, lease = ARGV[1], tonumber(ARGV[2])
        local function arg(i, j) return ARGV[2 + (i - 1) * 4 + j] end
        for i = 1, #KEYS do
          local cur
          if arg(i, 4) == '1' then
            cur = slots(KEYS[i])
          else
            cur = tonumber(redis.call('GET', KEYS[i]) or '0')
          end
          if cur + tonumber(arg(i, 2)) > tonumber(arg(i, 1)) then return {i, cur} end
        end
        local out = {0}
        for i = 1, #KEYS do
          if arg(i, 4) == '1' then
            redis.call('ZADD', KEYS[i], now + lease, slot)
            if redis.call('PTTL', KEYS[i]) < lease then redis.call('PEXPIRE', KEYS[i], lease) end
            out[i + 1] = slots(KEYS[i])
          else
            out[i + 1] = redis.call('INCRBY', KEYS[i], tonumber(arg(i, 2)))
            redis.call('EXPIRE', KEYS[i], tonumber(arg(i, 3)))
          end
        end
        return out
        """;

    // KEYS: counters. ARGV: slot name, then per counter delta, ttl seconds, 1 for a slot set. Never leaves a counter below zero.
    private const string ReleaseScript =
        """
        local slot = ARGV[1]
        for i = 1, #KEYS do
          local delta = tonumber(ARGV[1 + (i - 1) * 3 + 1])
          if ARGV[1 + (i - 1) * 3 + 3] == '1' then
            redis.call('ZREM', KEYS[i], slot)
          elseif delta ~= 0 then
            local v = redis.call('INCRBY', KEYS[i], delta)
            if v < 0 then redis.call('SET', KEYS[i], 0) end
            if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[1 + (i - 1) * 3 + 2])) end
          end
        end
        return 1
        """;

    // KEYS: slot sets. ARGV: lease ms, then the slot held in each. Only extends slots still there (XX): a slot released
    // or expired meanwhile stays gone.
    private const string RenewScript = Now +
        """
        local lease = tonumber(ARGV[1])
        for i = 1, #KEYS do
          if redis.call('ZADD', KEYS[i], 'XX', 'CH', now + lease, ARGV[i + 1]) == 1 then redis.call('PEXPIRE', KEYS[i], lease) end
        end
        return 1
        """;

    private readonly IDatabase _redis;
    private readonly TimeSpan _timeout;
    private readonly string _slotPrefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ":";
    private readonly ConcurrentDictionary<(string Key, string Slot), byte> _held = new();
    private readonly Timer _renewal;
    private long _slots;
    private int _renewing;

    public RedisLimitStore(IConnectionMultiplexer redis, TimeSpan timeout, TimeSpan? slotLease = null)
    {
        _redis = redis.GetDatabase();
        _timeout = timeout;
        SlotLease = slotLease ?? DefaultSlotLease;
        _renewal = new Timer(_ => _ = RenewAsync(), null, SlotLease / 3, SlotLease / 3);
    }

    public TimeSpan SlotLease { get; }

    public async ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken)
    {
        var counters = plan.Counters;
        if (counters.Count == 0) return new LimitDecision(true, null, []);
        string? slot = null;
        for (var i = 0; i < counters.Count && slot is null; i++)
        {
            if (counters[i].Kind == LimitKind.Concurrency) slot = _slotPrefix + Interlocked.Increment(ref _slots).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var args = new RedisValue[2 + counters.Count * 4];
        args[0] = slot ?? "";
        args[1] = (long)SlotLease.TotalMilliseconds;
        for (var i = 0; i < counters.Count; i++)
        {
            var c = counters[i];
            args[2 + i * 4] = c.Limit;
            args[3 + i * 4] = plan.IncrementOf(c);
            args[4 + i * 4] = (long)c.Expiry.TotalSeconds;
            args[5 + i * 4] = IsSlotSet(c);
        }

        var reply = await EvalAsync(AcquireScript, KeysOf(plan), args, cancellationToken);
        var items = reply.Resp2Type == ResultType.Array ? (RedisResult[])reply! : throw new LimitStoreException("Redis returned no array from the limits script.");
        var failed = (long)items[0];
        if (failed > 0) return new LimitDecision(false, counters[(int)failed - 1], []);
        var values = new long[counters.Count];
        for (var i = 0; i < values.Length; i++) values[i] = (long)items[i + 1];
        if (slot is not null)
        {
            for (var i = 0; i < counters.Count; i++)
            {
                if (counters[i].Kind == LimitKind.Concurrency) _held[(counters[i].Key, slot)] = 0;
            }
        }

        return new LimitDecision(true, null, values, slot);
    }

    public async ValueTask ReleaseAsync(LimitPlan plan, string? slot, long[] deltas, CancellationToken cancellationToken)
    {
        if (plan.Counters.Count == 0) return;
        if (slot is not null)
        {
            // No longer renewed, even if the release below fails: then the lease frees the slot.
            foreach (var counter in plan.Counters.Where(c => c.Kind == LimitKind.Concurrency)) _held.TryRemove((counter.Key, slot), out _);
        }
        else if (deltas.All(d => d == 0))
        {
            return;
        }

        var args = new RedisValue[1 + plan.Counters.Count * 3];
        args[0] = slot ?? "";
        for (var i = 0; i < plan.Counters.Count; i++)
        {
            args[1 + i * 3] = deltas[i];
            args[2 + i * 3] = (long)plan.Counters[i].Expiry.TotalSeconds;
            args[3 + i * 3] = IsSlotSet(plan.Counters[i]);
        }

        await EvalAsync(ReleaseScript, KeysOf(plan), args, cancellationToken);
    }

    /// <summary>Extends every slot this replica holds. A failed round is retried at the next tick, well within the lease.</summary>
    private async Task RenewAsync()
    {
        if (_held.IsEmpty || Interlocked.Exchange(ref _renewing, 1) == 1) return;
        try
        {
            var held = _held.Keys.ToList();
            await EvalAsync(RenewScript, [.. held.Select(h => (RedisKey)h.Key)], [(long)SlotLease.TotalMilliseconds, .. held.Select(h => (RedisValue)h.Slot)], CancellationToken.None);
        }
        // Redis unreachable, slow, or this store disposed mid-round: the leases still run, and the next tick tries again.
        catch (Exception exception) when (exception is LimitStoreException or ObjectDisposedException)
        {
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>
    /// Runs each script once without counters at start, within <paramref name="timeout"/>: Redis and the client then hold the
    /// scripts, and the client's reply path is compiled, so the first requests do not spend their timeout on either.
    /// </summary>
    public async Task WarmUpAsync(TimeSpan timeout)
    {
        foreach (var script in new[] { AcquireScript, ReleaseScript, RenewScript, SliceScript.Lua }) await EvalAsync(script, [], ["", 0], CancellationToken.None, timeout);
    }

    /// <summary>Stops renewing. Slots still held are left to their leases, as they would be if this process had died.</summary>
    public ValueTask DisposeAsync() => _renewal.DisposeAsync();

    /// <summary>Runs a limits script within the timeout; every failure is a <see cref="LimitStoreException"/>.</summary>
    internal async Task<RedisResult> EvalAsync(string script, RedisKey[] keys, RedisValue[] args, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var limit = timeout ?? _timeout;
        try
        {
            // The library's own timeout is checked on its heartbeat (once a second): this one holds to the millisecond.
            return await _redis.ScriptEvaluateAsync(script, keys, args).WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException exception)
        {
            throw new LimitStoreException($"Redis did not answer within {limit.TotalMilliseconds:0} ms.", exception);
        }
        catch (RedisException exception)
        {
            throw new LimitStoreException("Redis failed the limits script: " + exception.Message, exception);
        }
    }

    private static RedisKey[] KeysOf(LimitPlan plan)
    {
        var keys = new RedisKey[plan.Counters.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = plan.Counters[i].Key;
        return keys;
    }

    private static RedisValue IsSlotSet(LimitCounter counter) => counter.Kind == LimitKind.Concurrency ? "1" : "0";
}
