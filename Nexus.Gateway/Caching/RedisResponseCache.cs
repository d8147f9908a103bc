using StackExchange.Redis;

namespace Nexus.Gateway.Caching;

/// <summary>
/// Answers kept in Redis, shared by every replica, through the gateway's one multiplexer (whose calls time out after
/// the limits' <c>RedisTimeout</c>). A failure is a miss, never an error: the cache is an optimisation, and the request
/// can always be forwarded. Redis's own expiry frees an entry; the entry's expiry is checked too, against the
/// injected clock, so every store expires alike.
/// </summary>
internal sealed class RedisResponseCache(IConnectionMultiplexer redis, TimeProvider time, ILogger<RedisResponseCache> logger) : IResponseCache
{
    private int _failing;

    public async ValueTask<CachedResponse?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(key);
            Succeeded();
            if (value.IsNull) return null;
            var entry = CachedResponse.FromBytes((ReadOnlyMemory<byte>)value);
            return entry is not null && entry.ExpiresAt > time.GetUtcNow() ? entry : null;
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            Failed(exception);
            return null;
        }
    }

    public async ValueTask<bool> SetAsync(string key, CachedResponse entry, TimeSpan timeToLive)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(key, entry.ToBytes(), timeToLive);
            Succeeded();
            return true;
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            Failed(exception);
            return false;
        }
    }

    // Logged once when Redis starts failing and once when it answers again, not once per request of an outage.
    private void Failed(Exception exception)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0) CachingLog.RedisFailed(logger, exception);
    }

    private void Succeeded()
    {
        if (Volatile.Read(ref _failing) == 1 && Interlocked.Exchange(ref _failing, 0) == 1) CachingLog.RedisRecovered(logger);
    }

    private static bool IsRedisFailure(Exception exception) =>
        exception is RedisException or TimeoutException or ObjectDisposedException or IOException or System.Net.Sockets.SocketException;
}
