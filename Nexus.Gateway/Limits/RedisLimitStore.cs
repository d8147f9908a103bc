using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nexus.Gateway.Limits;

/// <summary>
/// Counters in Redis, shared by every gateway replica. Each acquire and release is one Lua script, so the check and
/// the bump of all of a request's counters are atomic across replicas: limits hold globally, not per replica.
/// A concurrency limit is a sorted set of named slots, each leased for <see cref="SlotLease"/> and renewed by the
/// replica serving the request: a replica that dies mid-request (killed, crashed, cut off) frees its slots when their
/// leases run out, instead of holding them for as long as traffic keeps the counter alive.
/// </summary>
internal sealed class RedisLimitStore : ILimitStore, IAsyncDisposable
{
    /// <summary>How long a slot outlives its last renewal; renewals come three times per lease.</summary>
    public static readonly TimeSpan DefaultSlotLease = TimeSpan.FromSeconds(60);

    // Redis's own clock, so replicas with skewed clocks agree on which leases have run out.
    private const string Now =
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        """;

    // KEYS: counters. ARGV: slot name, lease ms, then per counter limit, increment, ttl seconds, 1 for a slot set.
    // Returns {0, values...} or {index, current}.
    private const string AcquireScript = Now +
        """
        local slot, lease = ARGV[1], tonumber(ARGV[2])
        local function arg(i, j) return ARGV[2 + (i - 1) * 4 + j] end
        for i = 1, #KEYS do
          local cur
          if arg(i, 4) == '1' then
            redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
            cur = redis.call('ZCARD', KEYS[i])
          else
            cur = tonumber(redis.call('GET', KEYS[i]) or '0')
          end
          if cur + tonumber(arg(i, 2)) > tonumber(arg(i, 1)) then return {i, cur} end
        end
        local out = {0}
        for i = 1, #KEYS do
          if arg(i, 4) == '1' then
            redis.call('ZADD', KEYS[i], now + lease, slot)
            redis.call('PEXPIRE', KEYS[i], lease)
            out[i + 1] = redis.call('ZCARD', KEYS[i])
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

    private static readonly string AcquireSha = Sha1(AcquireScript);
    private static readonly string ReleaseSha = Sha1(ReleaseScript);
    private static readonly string RenewSha = Sha1(RenewScript);
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    private readonly RespClient _redis;
    private readonly string _slotPrefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)) + ":";
    private readonly ConcurrentDictionary<(string Key, string Slot), byte> _held = new();
    private readonly Timer _renewal;
    private long _slots;
    private int _renewing;

    public RedisLimitStore(RespClient redis, TimeSpan? slotLease = null)
    {
        _redis = redis;
        SlotLease = slotLease ?? DefaultSlotLease;
        _renewal = new Timer(_ => _ = RenewAsync(), null, SlotLease / 3, SlotLease / 3);
    }

    public TimeSpan SlotLease { get; }

    public async ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Counters.Count == 0) return new LimitDecision(true, null, []);
        var slot = plan.Counters.Any(c => c.Kind == LimitKind.Concurrency) ? _slotPrefix + Text(Interlocked.Increment(ref _slots)) : null;
        var args = new List<string>(2 + plan.Counters.Count * 4) { slot ?? "", Text((long)SlotLease.TotalMilliseconds) };
        foreach (var c in plan.Counters) args.AddRange([Text(c.Limit), Text(plan.IncrementOf(c)), Text((long)c.Expiry.TotalSeconds), IsSlotSet(c)]);
        var reply = await EvalAsync(AcquireScript, AcquireSha, plan.Counters.Select(c => c.Key), args, cancellationToken);
        var items = reply.Items ?? throw new LimitStoreException("Redis returned no array from the limits script.");
        var failed = items[0].Integer;
        if (failed != 0) return new LimitDecision(false, plan.Counters[(int)failed - 1], []);
        foreach (var counter in plan.Counters.Where(c => c.Kind == LimitKind.Concurrency)) _held.TryAdd((counter.Key, slot!), 0);
        return new LimitDecision(true, null, items.Skip(1).Select(i => i.Integer).ToArray(), slot);
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

        var args = new List<string>(1 + plan.Counters.Count * 3) { slot ?? "" };
        for (var i = 0; i < plan.Counters.Count; i++) args.AddRange([Text(deltas[i]), Text((long)plan.Counters[i].Expiry.TotalSeconds), IsSlotSet(plan.Counters[i])]);
        // Bounded on its own: the caller's request may be long gone, and an unreachable Redis must not hold the release forever.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReleaseTimeout);
        await EvalAsync(ReleaseScript, ReleaseSha, plan.Counters.Select(c => c.Key), args, timeout.Token);
    }

    /// <summary>Extends every slot this replica holds. A failed round is retried at the next tick, well within the lease.</summary>
    private async Task RenewAsync()
    {
        if (_held.IsEmpty || Interlocked.Exchange(ref _renewing, 1) == 1) return;
        try
        {
            var held = _held.Keys.ToList();
            using var timeout = new CancellationTokenSource(SlotLease / 3);
            await EvalAsync(RenewScript, RenewSha, held.Select(h => h.Key), [Text((long)SlotLease.TotalMilliseconds), .. held.Select(h => h.Slot)], timeout.Token);
        }
        // Redis unreachable, slow, or this store disposed mid-round: the leases still run, and the next tick tries again.
        catch (Exception exception) when (exception is IOException or LimitStoreException or OperationCanceledException or System.Net.Sockets.SocketException
            or ObjectDisposedException)
        {
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    /// <summary>Stops renewing. Slots still held are left to their leases, as they would be if this process had died.</summary>
    public async ValueTask DisposeAsync()
    {
        await _renewal.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private async Task<RespValue> EvalAsync(string script, string sha, IEnumerable<string> keys, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var keyList = keys.ToList();
        List<string> tail = [Text(keyList.Count), .. keyList, .. args];
        var reply = await _redis.ExecuteAsync(["EVALSHA", sha, .. tail], cancellationToken);
        // The script cache is empty after a Redis restart; EVAL loads it again.
        if (reply.IsError && reply.Text?.StartsWith("NOSCRIPT", StringComparison.Ordinal) == true)
        {
            reply = await _redis.ExecuteAsync(["EVAL", script, .. tail], cancellationToken);
        }

        return reply.IsError ? throw new LimitStoreException("Redis rejected the limits script: " + reply.Text) : reply;
    }

    private static string IsSlotSet(LimitCounter counter) => counter.Kind == LimitKind.Concurrency ? "1" : "0";

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Sha1(string script) =>
#pragma warning disable CA5350 // SHA-1 is what Redis names scripts by (EVALSHA), not a security use.
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(script)));
#pragma warning restore CA5350
}
