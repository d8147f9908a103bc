using Microsoft.Extensions.Options;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Keys;

/// <summary>
/// The admin key, separate from every tenant key: from <c>Nexus:Gateway:BootstrapAdminKey</c>, or generated on the
/// first start, logged that once, and kept only as a hash in the store.
/// </summary>
internal sealed class AdminCredential(IGatewayStore store, IOptions<GatewayOptions> options, ILogger<AdminCredential> logger) : IHostedService
{
    private const string SettingName = "admin_key_hash";
    private string? _hash;

    public bool IsValid(string? authorization)
    {
        var key = ApiKeys.FromAuthorization(authorization);
        return key is not null && _hash is { } hash && ApiKeys.HashesEqual(ApiKeys.Hash(key), hash);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.Value.BootstrapAdminKey))
        {
            _hash = ApiKeys.Hash(options.Value.BootstrapAdminKey);
            return;
        }

        _hash = await store.GetSettingAsync(SettingName, cancellationToken);
        if (_hash is not null) return;
        var key = ApiKeys.Generate(ApiKeys.AdminKeyPrefix);
        // Another replica may have won the race; then its key is the admin key and this one is discarded unlogged.
        if (await store.TrySetSettingAsync(SettingName, ApiKeys.Hash(key), cancellationToken)) GatewayLog.AdminKeyGenerated(logger, key);
        _hash = await store.GetSettingAsync(SettingName, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
