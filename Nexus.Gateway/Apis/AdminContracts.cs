using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Apis;

public sealed record CreateTenantRequest(string Name, Policy? Policy);

public sealed record UpdateTenantRequest(string? Name, Policy? Policy);

public sealed record CreateKeyRequest(string? Name, DateTimeOffset? ExpiresAt, Policy? Policy);

/// <summary>A key as listed: never the key or its hash.</summary>
public sealed record KeyInfo(string Id, string TenantId, string Name, string Prefix, Policy Policy, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    internal static KeyInfo From(ApiKeyRecord key) => new(key.Id, key.TenantId, key.Name, key.Prefix, key.Policy, key.CreatedAt, key.ExpiresAt, key.RevokedAt);
}

/// <summary>A new key: <see cref="Key"/> appears in this response only.</summary>
public sealed record CreatedKey(string Key, KeyInfo Info);

public sealed record AuditPage(IReadOnlyList<Usage.AuditRecord> Data, long? Next);
