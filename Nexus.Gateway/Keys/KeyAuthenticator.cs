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

    public async ValueTask<Caller?> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var key = ApiKeys.FromAuthorization(authorization);
        if (key is null || !key.StartsWith(ApiKeys.TenantKeyPrefix, StringComparison.Ordinal)) return null;
        var hash = ApiKeys.Hash(key);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var entry) || now - entry.Fetched >= options.CurrentValue.KeyCacheDuration)
        {
            entry = (await LoadAsync(hash, cancellationToken), now);
            if (_cache.Count > 100_000) _cache.Clear();
            _cache[hash] = entry;
        }

        // Expiry is checked on every request, not only at load time.
        return entry.Caller is { } caller && caller.Key.IsUsable(now) ? caller : null;
    }

    private async Task<Caller?> LoadAsync(string hash, CancellationToken cancellationToken)
    {
        var record = await store.FindKeyByHashAsync(hash, cancellationToken);
        if (record is null || record.RevokedAt is not null) return null;
        var tenant = await store.GetTenantAsync(record.TenantId, cancellationToken);
        return tenant is null ? null : new Caller(record, tenant);
    }
}
