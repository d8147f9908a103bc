using System.Globalization;
using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Limits;

/// <summary>What a counter limits; decides the rejection reason and when to retry.</summary>
internal enum LimitKind
{
    Requests,
    Tokens,
    Concurrency,
    DailyBudget,
    MonthlyBudget,
}

/// <summary>One counter to check and bump atomically with the others of a request.</summary>
internal sealed record LimitCounter(string Key, LimitKind Kind, long Limit, TimeSpan Expiry, DateTimeOffset ResetsAt)
{
    /// <summary>The limit as the <c>x-ratelimit-limit-*</c> headers carry it; formatted once, as counters are built once a minute.</summary>
    public string LimitText { get; } = Limit.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Every counter a request touches, for its key and its tenant: fixed one-minute windows for requests and tokens,
/// a gauge for concurrency, calendar (UTC) day and month for budgets. Tokens are reserved up front and reconciled after.
/// </summary>
internal sealed record LimitPlan(IReadOnlyList<LimitCounter> Counters, long ReservedTokens)
{
    /// <summary>One scope's counters for the minute of <paramref name="now"/>: the same for every request in that minute.</summary>
    public static LimitCounter[] CountersFor(string scope, Policy policy, DateTimeOffset now)
    {
        var minute = now.ToUnixTimeSeconds() / 60;
        var minuteEnd = DateTimeOffset.FromUnixTimeSeconds((minute + 1) * 60);
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var monthStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var day = dayStart.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var month = monthStart.ToString("yyyyMM", CultureInfo.InvariantCulture);
        var counters = new List<LimitCounter>(5);
        if (policy.RequestsPerMinute is { } rpm)
            counters.Add(new($"nx:rpm:{scope}:{minute}", LimitKind.Requests, rpm, TimeSpan.FromSeconds(120), minuteEnd));
        if (policy.TokensPerMinute is { } tpm)
            counters.Add(new($"nx:tpm:{scope}:{minute}", LimitKind.Tokens, tpm, TimeSpan.FromSeconds(120), minuteEnd));
        // A concurrency slot frees whenever a request ends: a refused client may retry in a second. Not the earlier name
        // "nx:conc:", whose key in Redis held a plain count: a set of slots under it would be of the wrong type.
        if (policy.MaxConcurrentRequests is { } concurrency)
            counters.Add(new($"nx:slots:{scope}", LimitKind.Concurrency, concurrency, TimeSpan.FromMinutes(15), DateTimeOffset.MinValue));
        if (policy.DailyTokenBudget is { } daily)
            counters.Add(new($"nx:day:{scope}:{day}", LimitKind.DailyBudget, daily, TimeSpan.FromDays(2), dayStart.AddDays(1)));
        if (policy.MonthlyTokenBudget is { } monthly)
            counters.Add(new($"nx:mon:{scope}:{month}", LimitKind.MonthlyBudget, monthly, TimeSpan.FromDays(32), monthStart.AddMonths(1)));
        return counters.ToArray();
    }

    /// <summary>What this request adds to a counter: one request or slot, or the reserved tokens.</summary>
    public long IncrementOf(LimitCounter counter) => counter.Kind is LimitKind.Requests or LimitKind.Concurrency ? 1 : ReservedTokens;

    /// <summary>What to add to each counter once the real usage is known: give back the slot, correct the reservation.</summary>
    public long[] ReleaseDeltas(long actualTokens)
    {
        var deltas = new long[Counters.Count];
        for (var i = 0; i < deltas.Length; i++)
        {
            deltas[i] = Counters[i].Kind switch
            {
                LimitKind.Concurrency => -1L,
                LimitKind.Requests => 0L,
                _ => actualTokens - ReservedTokens,
            };
        }

        return deltas;
    }
}

/// <summary>
/// The answer to a request for capacity; <see cref="Values"/> holds each counter's value after the bump, and
/// <see cref="Slot"/> names the request's concurrency slot where the store needs a name to free it.
/// </summary>
internal sealed record LimitDecision(bool Allowed, LimitCounter? Exceeded, long[] Values, string? Slot = null);

/// <summary>Where counters live: this process, or Redis shared by every replica.</summary>
internal interface ILimitStore
{
    /// <summary>Checks every counter and bumps them all, or none, atomically.</summary>
    ValueTask<LimitDecision> AcquireAsync(LimitPlan plan, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="deltas"/> to the plan's counters (never below zero) and frees the request's <paramref name="slot"/>.</summary>
    ValueTask ReleaseAsync(LimitPlan plan, string? slot, long[] deltas, CancellationToken cancellationToken);
}
