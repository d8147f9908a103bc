namespace Nexus.Gateway.Keys;

/// <summary>A customer of the gateway: owns keys, usage and audit records.</summary>
public sealed record Tenant(string Id, string Name, Policy Policy, DateTimeOffset CreatedAt);

/// <summary>An API key as stored: never the key itself, only its SHA-256 hash and a prefix to recognise it by.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string TenantId,
    string Name,
    string Prefix,
    string Hash,
    Policy Policy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt)
{
    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
