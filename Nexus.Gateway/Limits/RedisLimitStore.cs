using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Nexus.Gateway.Limits;

/// <summary>
/// Counters in Redis, shared by every gateway replica. Each acquire and release is one Lua script, so the check and
/// the bump of all of a request's counters are atomic across replicas: limits hold globally, not per replica.
/// </summary>
internal sealed class RedisLimitStore(RespClient redis) : ILimitStore, IAsyncDisposable
{
    // KEYS: counters. ARGV: per counter limit, increment, ttl seconds. Returns {0, values...} or {index, current}.
    private const string AcquireScript =
        """
        local n = #KEYS
        for i = 1, n do
          local limit = tonumber(ARGV[(i - 1) * 3 + 1])
          local inc = tonumber(ARGV[(i - 1) * 3 + 2])
          local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
          if cur + inc > limit then return {i, cur} end
        end
        local out = {0}
        for i = 1, n do
          local v = redis.call('INCRBY', KEYS[i], tonumber(ARGV[(i - 1) * 3 + 2]))
          redis.call('EXPIRE', KEYS[i], tonumber(ARGV[(i - 1) * 3 + 3]))
          out[i + 1] = v
        end
        return out
        """;

    // KEYS: counters. ARGV: per counter delta, ttl seconds. Never leaves a counter below zero.
    private const string ReleaseScript =
        """
        for i = 1, #KEYS do
          local delta = tonumber(ARGV[(i - 1) * 2 + 1])
          if delta ~= 0 then
            local v = redis.call('INCRBY', KEYS[i], delta)
            if v < 0 then redis.call('SET', KEYS[i], 0) end
            if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], tonumber(ARGV[(i - 1) * 2 + 2])) end
          end
        end
        return 1
        """;

    private static readonly string AcquireSha = Sha1(AcquireScript);
    private static readonly string ReleaseSha = Sha1(ReleaseScript);

    public async ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken)
    {
        if (plan.Counters.Count == 0) return new LimitDecision(true, null, []);
        var args = plan.Counters.SelectMany(c => new[] { Text(c.Limit), Text(plan.IncrementOf(c)), Text((long)c.Expiry.TotalSeconds) });
        var reply = await EvalAsync(AcquireScript, AcquireSha, plan, args, cancellationToken);
        var items = reply.Items ?? throw new LimitStoreException("Redis returned no array from the limits script.");
        var failed = items[0].Integer;
        return failed == 0
            ? new LimitDecision(true, null, items.Skip(1).Select(i => i.Integer).ToArray())
            : new LimitDecision(false, plan.Counters[(int)failed - 1], []);
    }

    public async ValueTask ReleaseAsync(LimitPlan plan, long[] deltas, CancellationToken cancellationToken)
    {
        if (plan.Counters.Count == 0 || deltas.All(d => d == 0)) return;
        var args = plan.Counters.SelectMany((c, i) => new[] { Text(deltas[i]), Text((long)c.Expiry.TotalSeconds) });
        // Bounded on its own: the caller's request may be long gone, and an unreachable Redis must not hold the slot forever.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReleaseTimeout);
        await EvalAsync(ReleaseScript, ReleaseSha, plan, args, timeout.Token);
    }

    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(10);

    public ValueTask DisposeAsync() => redis.DisposeAsync();

    private async Task<RespValue> EvalAsync(string script, string sha, LimitPlan plan, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var tail = new List<string> { Text(plan.Counters.Count) };
        tail.AddRange(plan.Counters.Select(c => c.Key));
        tail.AddRange(args);
        var reply = await redis.ExecuteAsync(["EVALSHA", sha, .. tail], cancellationToken);
        // The script cache is empty after a Redis restart; EVAL loads it again.
        if (reply.IsError && reply.Text?.StartsWith("NOSCRIPT", StringComparison.Ordinal) == true)
        {
            reply = await redis.ExecuteAsync(["EVAL", script, .. tail], cancellationToken);
        }

        return reply.IsError ? throw new LimitStoreException("Redis rejected the limits script: " + reply.Text) : reply;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Sha1(string script) =>
#pragma warning disable CA5350 // SHA-1 is what Redis names scripts by (EVALSHA), not a security use.
        Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(script)));
#pragma warning restore CA5350
}
