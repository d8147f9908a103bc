using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Keys;

/// <summary>
/// Creates the configured bootstrap tenant keys (<c>Nexus:Gateway:BootstrapKeys:{tenant}</c>) at start, idempotently:
/// the tenant <c>tn_{tenant}</c> and a key named <c>bootstrap</c> stored as a hash like any other. A changed key value
/// replaces the old one (it is revoked); a changed <c>ReadRegistry</c> updates the tenant's policy. What an operator did
/// through the admin API stands: a deleted tenant or a revoked key is not brought back (the gateway logs it).
/// </summary>
internal sealed partial class BootstrapKeys(IGatewayStore store, IOptions<GatewayOptions> options, TimeProvider time, ILogger<BootstrapKeys> logger) : IHostedService
{
    public const string KeyName = "bootstrap";

    public static string TenantId(string name) => "tn_" + name;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, settings) in options.Value.BootstrapKeys) await EnsureAsync(name, settings, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What is wrong with the configured bootstrap keys, every error named by its setting.</summary>
    public static IEnumerable<string> Problems(IReadOnlyDictionary<string, BootstrapKeyOptions> keys)
    {
        foreach (var (name, settings) in keys)
        {
            if (!NamePattern().IsMatch(name)) yield return $"Nexus:Gateway:BootstrapKeys:{name}: the tenant name must be 1-64 lower-case letters, digits or '-'.";
            if (!settings.Key.StartsWith(ApiKeys.TenantKeyPrefix, StringComparison.Ordinal) || settings.Key.Length < ApiKeys.TenantKeyPrefix.Length + 32 || settings.Key.Length > 256)
                yield return $"Nexus:Gateway:BootstrapKeys:{name}:Key must be a tenant key: '{ApiKeys.TenantKeyPrefix}' and 32 to 250 more characters.";
        }
    }

    private async Task EnsureAsync(string name, BootstrapKeyOptions settings, CancellationToken cancellationToken)
    {
        var tenantId = TenantId(name);
        var tenant = await store.GetTenantAsync(tenantId, cancellationToken) ?? await CreateTenantAsync(tenantId, name, settings, cancellationToken);
        if (tenant is null)
        {
            LogTenantDeleted(logger, tenantId);
            return;
        }

        if (tenant.Policy.ReadRegistry != settings.ReadRegistry)
            await store.UpdateTenantAsync(tenant with { Policy = tenant.Policy with { ReadRegistry = settings.ReadRegistry } }, cancellationToken);

        var hash = ApiKeys.Hash(settings.Key);
        var existing = await store.FindKeyByHashAsync(hash, cancellationToken);
        if (existing is not null && existing.TenantId != tenantId)
        {
            LogKeyOfAnotherTenant(logger, name, existing.TenantId);
            return;
        }

        if (existing?.RevokedAt is not null)
        {
            LogKeyRevoked(logger, name);
            return;
        }

        if (existing is null) existing = await CreateKeyAsync(tenantId, settings.Key, hash, cancellationToken);
        // The previous value of a rotated secret stops working: only the configured key is the bootstrap key.
        foreach (var old in await store.ListKeysAsync(tenantId, cancellationToken))
        {
            if (old.Name == KeyName && old.Id != existing.Id && old.RevokedAt is null) await store.RevokeKeyAsync(old.Id, time.GetUtcNow(), cancellationToken);
        }
    }

    // Another replica may create it at the same moment: then its row stands and is read back. Null when the tenant was deleted.
    private async Task<Tenant?> CreateTenantAsync(string tenantId, string name, BootstrapKeyOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateTenantAsync(new Tenant(tenantId, name, Policy.Unrestricted with { ReadRegistry = settings.ReadRegistry }, time.GetUtcNow()), cancellationToken);
        }
        catch (DbException)
        {
            // The id exists: created by a racing replica (read back below), or deleted by an operator (stays deleted).
        }

        return await store.GetTenantAsync(tenantId, cancellationToken);
    }

    private async Task<ApiKeyRecord> CreateKeyAsync(string tenantId, string key, string hash, CancellationToken cancellationToken)
    {
        var record = new ApiKeyRecord(ApiKeys.NewId("key_"), tenantId, KeyName, ApiKeys.DisplayPrefix(key), hash, Policy.Unrestricted, time.GetUtcNow(), null, null);
        try
        {
            await store.CreateKeyAsync(record, cancellationToken);
            return record;
        }
        catch (DbException)
        {
            // The hash is unique: a racing replica stored this key first.
            return await store.FindKeyByHashAsync(hash, cancellationToken) ?? throw new InvalidOperationException($"The bootstrap key of tenant '{tenantId}' could not be stored.");
        }
    }

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    private static partial Regex NamePattern();

    [LoggerMessage(3012, LogLevel.Warning, "The bootstrap tenant {TenantId} was deleted through the admin API; it is not re-created and its bootstrap key does not work")]
    private static partial void LogTenantDeleted(ILogger logger, string tenantId);

    [LoggerMessage(3013, LogLevel.Warning, "The bootstrap key of {Name} was revoked through the admin API; it stays revoked (configure a new value)")]
    private static partial void LogKeyRevoked(ILogger logger, string name);

    [LoggerMessage(3014, LogLevel.Error, "The bootstrap key of {Name} is already a key of tenant {TenantId}; it is not used for {Name}")]
    private static partial void LogKeyOfAnotherTenant(ILogger logger, string name, string tenantId);
}
