namespace Nexus.Gateway.Limits;

/// <summary>
/// The Lua behind <see cref="SlicedLimitStore"/>: one call takes, tops up, returns and renews this replica's slices of
/// any number of counters, and may admit one request against them, atomically across replicas.
/// </summary>
/// <remarks>
/// Per counter key K a replica r holds a slice: <c>held</c> units that K already counts (so no replica can admit past
/// the limit) of which its requests <c>used</c> some. Both live in the hashes <c>K:w</c> and <c>K:u</c> under the member
/// <c>r:&lt;replica&gt;</c>, leased until a score in a sorted set: <c>K:e</c> for a window or budget counter, the slot
/// set K itself for a concurrency limit (so a slice counts as its held slots beside the per-request named slots).
/// When a lease runs out (the replica stopped without returning it) a request counter takes back the unspent rest
/// (<c>held - used</c>, the slice "expires back"), a budget keeps it counted (a budget is never overshot), and a slot
/// set simply drops the member. The sum of every live replica's unspent units is kept within the counter's
/// <c>cap</c> (1% of its limit), which is the accuracy bound.
/// </remarks>
internal static class SliceScript
{
    /// <summary>Each counter's arguments after the two leading ones (replica, lease ms).</summary>
    public const int ArgsPerCounter = 8;

    /// <summary>A slice of a counter whose unspent rest comes back when its lease runs out (requests and tokens per minute).</summary>
    public const string WindowKind = "w";

    /// <summary>A slice of a budget: when its lease runs out its rest stays counted, as it may have been spent.</summary>
    public const string BudgetKind = "b";

    /// <summary>A slice of a concurrency limit: held slots, the in-flight requests among them.</summary>
    public const string ConcurrencyKind = "c";

    // KEYS: counters. ARGV: replica, lease ms, then per counter kind, limit, ttl s, increment (this request; 0 for a
    // refill), wanted held, used (including the increment), cap, 1 to give back down to the wanted held (only a shrink
    // may: a top-up crossing a shrink in flight must not undo it). Returns {0, total, held, ...} or {index, total}.
    public const string Lua = RedisLimitStore.Now + RedisLimitStore.SlotsFunction +
        """
        local me, lease = 'r:' .. ARGV[1], tonumber(ARGV[2])
        local function arg(i, j) return ARGV[2 + (i - 1) * 8 + j] end
        local function leases(k, kind) return kind == 'c' and k or (k .. ':e') end
        local function forget(k, kind, m)
          redis.call('ZREM', leases(k, kind), m)
          redis.call('HDEL', k .. ':w', m)
          redis.call('HDEL', k .. ':u', m)
        end
        -- The counter's value once expired slices are settled, this replica's held units, and every other's unspent.
        local function read(k, kind)
          local expired = redis.call('ZRANGEBYSCORE', leases(k, kind), '-inf', now)
          local total
          if kind == 'c' then
            for _, m in ipairs(expired) do forget(k, kind, m) end
            total = slots(k)
          else
            local back = 0
            for _, m in ipairs(expired) do
              local h = tonumber(redis.call('HGET', k .. ':w', m) or '0')
              local u = tonumber(redis.call('HGET', k .. ':u', m) or '0')
              if kind == 'w' and h > u then back = back + h - u end
              forget(k, kind, m)
            end
            total = tonumber(redis.call('GET', k) or '0')
            if back > 0 then
              total = math.max(0, total - back)
              redis.call('SET', k, total, 'KEEPTTL')
            end
          end
          local held, others = 0, 0
          local w = redis.call('HGETALL', k .. ':w')
          for j = 1, #w, 2 do
            local h = tonumber(w[j + 1])
            if w[j] == me then
              held = h
            else
              local u = tonumber(redis.call('HGET', k .. ':u', w[j]) or '0')
              if h > u then others = others + h - u end
            end
          end
          return total, held, others
        end
        local state = {}
        for i = 1, #KEYS do
          local total, held, others = read(KEYS[i], arg(i, 1))
          local inc = tonumber(arg(i, 4))
          if inc > 0 and total + inc > tonumber(arg(i, 2)) then return {i, total} end
          state[i] = {total, held, others}
        end
        local out = {0}
        for i = 1, #KEYS do
          local k, kind = KEYS[i], arg(i, 1)
          local limit, ttl, want, used, cap = tonumber(arg(i, 2)), tonumber(arg(i, 3)), tonumber(arg(i, 5)), tonumber(arg(i, 6)), tonumber(arg(i, 7))
          local total, held, others = state[i][1], state[i][2], state[i][3]
          -- A request's increment is added to the slice, never taken from what it holds: the replica may be spending
          -- that meanwhile. Units a top-up reports used beyond the slice happened (a request reconciled above its
          -- reservation): they are counted.
          local inc = tonumber(arg(i, 4))
          local new = inc > 0 and held + inc or math.max(held, used)
          if want > new then
            local room = math.min(limit - (total + new - held), cap - others - (new - used), want - new)
            if room > 0 then new = new + room end
          elseif want < new and arg(i, 8) == '1' then
            new = math.max(want, used)
          end
          total = total + new - held
          if new > 0 then
            redis.call('ZADD', leases(k, kind), now + lease, me)
            redis.call('HSET', k .. ':w', me, new)
            redis.call('HSET', k .. ':u', me, used)
          else
            forget(k, kind, me)
          end
          if kind == 'c' then
            for _, s in ipairs({k, k .. ':w', k .. ':u'}) do
              if redis.call('PTTL', s) < lease then redis.call('PEXPIRE', s, lease) end
            end
          else
            if new ~= held then redis.call('INCRBY', k, new - held) end
            for _, s in ipairs({k, k .. ':e', k .. ':w', k .. ':u'}) do redis.call('EXPIRE', s, ttl) end
          end
          out[#out + 1] = total
          out[#out + 1] = new
        end
        return out
        """;
}
