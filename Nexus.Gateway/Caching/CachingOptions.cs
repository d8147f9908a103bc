using System.ComponentModel.DataAnnotations;

namespace Nexus.Gateway.Caching;

/// <summary>
/// The response cache's bounds (<c>Nexus:Gateway:Caching</c>). Whether a caller's answers are cached, and for how long,
/// is its policy's <c>responseCacheSeconds</c>; these settings only bound it.
/// </summary>
public sealed class CachingOptions
{
    public const string SectionName = "Nexus:Gateway:Caching";

    /// <summary>Largest answer kept; a larger one is served and not cached.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxEntryBytes { get; set; } = 1024 * 1024;

    /// <summary>Bytes of answers kept in this process when no Redis is configured; the least recently used go first.</summary>
    [Range(1024 * 1024, 16L * 1024 * 1024 * 1024)]
    public long MemoryCapacityBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Longest time-to-live a policy may ask for; a longer one is cut to this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(1);
}
