namespace Nexus.Gateway.Limits;

/// <summary>
/// This replica's slice of one counter: <see cref="Held"/> units the shared counter already counts for it, of which its
/// requests have <see cref="Used"/> some. Guarded by <see cref="SlicedLimitStore"/>'s lock.
/// </summary>
internal sealed class LocalSlice(LimitCounter counter)
{
    public LimitCounter Counter { get; set; } = counter;

    /// <summary>Units Redis counts for this replica (it never holds more locally than Redis does).</summary>
    public long Held { get; set; }

    /// <summary>Units taken: requests or tokens admitted, or, of a concurrency slice, the requests in flight.</summary>
    public long Used { get; set; }

    /// <summary>The shared counter's value at the last answer, for the <c>x-ratelimit-remaining-*</c> headers.</summary>
    public long Total { get; set; }

    /// <summary>Until when (<see cref="TimeProvider.GetTimestamp"/>) the lease surely still runs in Redis.</summary>
    public long ValidUntil { get; set; }

    /// <summary>Unspent units to aim for: what the observed rate spends between refills, within the cap.</summary>
    public long Target { get; set; }

    /// <summary>The largest increment seen, so a slice always fits at least two requests of that size.</summary>
    public long LargestIncrement { get; set; }

    /// <summary><see cref="Used"/> at the last exchange, and when it was sent, to measure the rate.</summary>
    public long UsedAtExchange { get; set; }

    public long ExchangedAt { get; set; }

    /// <summary>Any use since the last tick: an idle slice gives its unspent units back.</summary>
    public bool UsedSinceTick { get; set; }

    /// <summary>The most requests in flight since the last tick (concurrency): the slice keeps that many plus headroom.</summary>
    public long PeakUsed { get; set; }

    /// <summary>Numbers each exchange; an answer older than the last applied one, or sent before a shrink, is ignored.</summary>
    public long Sent { get; set; }

    public long Applied { get; set; }

    public long Barrier { get; set; }

    /// <summary>
    /// Units of requests waiting on Redis to admit them. Redis adds them to the slice, and an answer to a later call may
    /// carry them before their own answer arrives: they are not available to other requests meanwhile.
    /// </summary>
    public long Pending { get; set; }

    public long Available => Held - Used - Pending;

    public bool IsConcurrency => Counter.Kind == LimitKind.Concurrency;
}
