using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Keys;

/// <summary>
/// Resolves a presented key to its caller. Lookups are cached for at most <see cref="GatewayOptions.KeyCacheDuration"/>
/// (under a second), so a revocation written by any replica takes effect on every replica within that time.
/// </summary>
internal sealed class KeyAuthenticator(IGatewayStore store, IOptionsMonitor<GatewayOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (Caller? Caller, DateTimeOffset Fetched)> _cache = new(StringComparer.Ordinal);

    public ValueTask<Caller?> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var key = ApiKeys.BearerToken(authorization);
        if (!key.StartsWith(ApiKeys.TenantKeyPrefix, StringComparison.Ordinal)) return ValueTask.FromResult<Caller?>(null);
        var now = time.GetUtcNow();
        return TryGetCached(key, now, out var entry, out var hash)
            ? ValueTask.FromResult(Usable(entry.Caller, now))
            : LoadAndCacheAsync(hash, now, cancellationToken);
    }

    // The key is a view into the header and its hash is on the stack: a string is made only when the store must be asked.
    private bool TryGetCached(ReadOnlySpan<char> key, DateTimeOffset now, out (Caller? Caller, DateTimeOffset Fetched) entry, out string hash)
    {
        Span<char> hex = stackalloc char[ApiKeys.HashLength];
        ApiKeys.Hash(key, hex);
        if (_cache.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(hex, out entry) && now - entry.Fetched < options.CurrentValue.KeyCacheDuration)
        {
            hash = "";
            return true;
        }

        hash = new string(hex);
        return false;
    }

    private async ValueTask<Caller?> LoadAndCacheAsync(string hash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var caller = await LoadAsync(hash, cancellationToken);
        if (_cache.Count > 100_000) _cache.Clear();
        _cache[hash] = (caller, now);
        return Usable(caller, now);
    }

    // Expiry is checked on every request, not only at load time.
    private static Caller? Usable(Caller? caller, DateTimeOffset now) => caller is not null && caller.Key.IsUsable(now) ? caller : null;

    private async Task<Caller?> LoadAsync(string hash, CancellationToken cancellationToken)
    {
        var record = await store.FindKeyByHashAsync(hash, cancellationToken);
        if (record is null || record.RevokedAt is not null) return null;
        var tenant = await store.GetTenantAsync(record.TenantId, cancellationToken);
        return tenant is null ? null : new Caller(record, tenant);
    }
}
