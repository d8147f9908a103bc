namespace Nexus.Gateway.Caching;

/// <summary>Where cached answers live: this process, or Redis for every replica. Neither throws: a failure is a miss.</summary>
internal interface IResponseCache
{
    /// <summary>The entry under <paramref name="key"/>, or null (absent, or the store failed).</summary>
    ValueTask<CachedResponse?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Keeps <paramref name="entry"/> until its expiry; false when the store failed (logged, and forgotten).</summary>
    ValueTask<bool> SetAsync(string key, CachedResponse entry, TimeSpan timeToLive);
}
