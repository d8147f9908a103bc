using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Caching;

/// <summary>
/// Answers kept in this process (one replica, no Redis), bounded by <see cref="CachingOptions.MemoryCapacityBytes"/>:
/// the framework's <see cref="MemoryCache"/> with each entry's size in bytes, compacted when full. Expiry is checked
/// against the injected clock; the cache's own expiry frees the memory.
/// </summary>
internal sealed class MemoryResponseCache(IOptions<CachingOptions> options, TimeProvider time) : IResponseCache, IDisposable
{
    // What an entry costs beyond its body: the key, the record, the cache's own bookkeeping.
    private const int EntryOverhead = 256;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.MemoryCapacityBytes });

    public ValueTask<CachedResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (!_cache.TryGetValue(key, out CachedResponse? entry) || entry is null) return ValueTask.FromResult<CachedResponse?>(null);
        if (entry.ExpiresAt > time.GetUtcNow()) return ValueTask.FromResult<CachedResponse?>(entry);
        _cache.Remove(key);
        return ValueTask.FromResult<CachedResponse?>(null);
    }

    public ValueTask<bool> SetAsync(string key, CachedResponse entry, TimeSpan timeToLive)
    {
        _cache.Set(key, entry, new MemoryCacheEntryOptions { Size = entry.Body.Length + key.Length * 2 + EntryOverhead, AbsoluteExpirationRelativeToNow = timeToLive });
        // A full cache refuses the entry (and compacts itself for the next): then it was not kept.
        return ValueTask.FromResult(_cache.TryGetValue(key, out _));
    }

    public void Dispose() => _cache.Dispose();
}
