using System.ComponentModel.DataAnnotations;

namespace Nexus.Gateway.Limits;

/// <summary>How the gateway talks to the shared limits store (<c>Nexus:Gateway:Limits</c>); used only with <c>ConnectionStrings:redis</c>.</summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Nexus:Gateway:Limits";

    /// <summary>
    /// Longest wait for one Redis call (connecting included) before the request is refused, or served on local limits
    /// with <see cref="FailOpen"/>. Redis answers a limits script in well under a millisecond on a working network, so a
    /// longer wait means it is down or frozen: requests must not queue behind it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// When Redis fails: <c>false</c> (the default) refuses requests with 503 <c>gateway_store_unavailable</c>, so no
    /// limit or budget is ever exceeded; <c>true</c> admits them under this replica's own in-memory limits (a warning is
    /// logged and <c>nexus.gateway.limits.fallbacks</c> counts them), so limits hold per replica rather than globally.
    /// </summary>
    public bool FailOpen { get; set; }

    /// <summary>
    /// Whether each replica spends slices of the Redis counters locally (<see cref="SlicedLimitStore"/>) instead of
    /// calling Redis for every request; limits then hold globally within 1%. <c>false</c> calls Redis per request.
    /// </summary>
    public bool LocalSlices { get; set; } = true;

    /// <summary>
    /// How long a replica's slice outlives its last call to Redis: a replica that stops without giving its slices back
    /// (killed) has their unspent rest returned after this long. Renewed five times per lease; at most the 60 s a
    /// per-request concurrency slot lives.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan SliceLease { get; set; } = TimeSpan.FromSeconds(10);
}
