using System.Data.Common;
using System.Text;
using System.Text.Json;
using Dapper;
using Nexus.Contract;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Routing.Static;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Storage;

/// <summary>
/// The store over plain SQL that SQLite and PostgreSQL both understand; only the migrations differ per dialect.
/// Times are Unix milliseconds, policies JSON text.
/// </summary>
internal abstract class SqlGatewayStore(ILogger logger) : IGatewayStore
{
    protected abstract string StoreName { get; }

    /// <summary>Versioned schema, applied in order; an applied version is never changed, only followed.</summary>
    protected abstract IReadOnlyList<string> Migrations { get; }

    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
        for (var version = 1; version <= Migrations.Count; version++)
        {
            if (applied.Contains(version)) continue;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(Migrations[version - 1], transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)",
                new { version = (long)version, at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            GatewayLog.MigrationApplied(logger, version, StoreName);
        }
    }

    public async Task CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO tenants (id, name, policy, created_at) VALUES (@Id, @Name, @Policy, @CreatedAt)",
            new { tenant.Id, tenant.Name, Policy = Serialize(tenant.Policy), CreatedAt = tenant.CreatedAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
    }

    public async Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<TenantRow>(new CommandDefinition(
            "SELECT id, name, policy, created_at AS createdat FROM tenants WHERE id = @id AND deleted_at IS NULL", new { id }, cancellationToken: cancellationToken));
        return row?.ToTenant();
    }

    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TenantRow>(new CommandDefinition(
            "SELECT id, name, policy, created_at AS createdat FROM tenants WHERE deleted_at IS NULL ORDER BY created_at, id", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToTenant()).ToList();
    }

    public async Task<bool> UpdateTenantAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenants SET name = @Name, policy = @Policy WHERE id = @Id AND deleted_at IS NULL",
            new { tenant.Id, tenant.Name, Policy = Serialize(tenant.Policy) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> DeleteTenantAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @at WHERE tenant_id = @id AND revoked_at IS NULL",
            new { id, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tenants SET deleted_at = @at WHERE id = @id AND deleted_at IS NULL",
            new { id, at = at.ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public async Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (id, tenant_id, name, prefix, hash, policy, created_at, expires_at, revoked_at)
            VALUES (@Id, @TenantId, @Name, @Prefix, @Hash, @Policy, @CreatedAt, @ExpiresAt, NULL)
            """,
            new
            {
                key.Id, key.TenantId, key.Name, key.Prefix, key.Hash, Policy = Serialize(key.Policy),
                CreatedAt = key.CreatedAt.ToUnixTimeMilliseconds(), ExpiresAt = key.ExpiresAt?.ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
    }

    public Task<ApiKeyRecord?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken) => KeyWhereAsync("hash = @value", hash, cancellationToken);

    public Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken) => KeyWhereAsync("id = @value", id, cancellationToken);

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(KeySelect + " WHERE tenant_id = @tenantId ORDER BY created_at, id", new { tenantId }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToKey()).ToList();
    }

    public async Task<bool> UpdateKeyPolicyAsync(string id, Policy policy, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET policy = @policy WHERE id = @id", new { id, policy = Serialize(policy) }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL",
            new { id, at = at.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT value FROM settings WHERE name = @name", new { name }, cancellationToken: cancellationToken));
    }

    public async Task<bool> TrySetSettingAsync(string name, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING", new { name, value }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Migration 2, the same in both dialects: static routes from the admin API.</summary>
    protected const string RoutesMigration =
        "CREATE TABLE routes (kind TEXT NOT NULL, name TEXT NOT NULL, upstreams TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (kind, name));";

    public async Task<IReadOnlyList<StoredRoute>> ListRoutesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<RouteRow>(new CommandDefinition(
            "SELECT kind, name, upstreams, updated_at AS updatedat FROM routes ORDER BY kind, name", cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRoute()).ToList();
    }

    public async Task<StoredRoute> PutRouteAsync(RouteKind kind, string name, IReadOnlyList<StaticUpstream> upstreams, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var updatedAt = await connection.QuerySingleAsync<long>(new CommandDefinition(
            """
            INSERT INTO routes (kind, name, upstreams, updated_at) VALUES (@kind, @name, @upstreams, @at)
            ON CONFLICT (kind, name) DO UPDATE SET upstreams = excluded.upstreams,
                updated_at = CASE WHEN excluded.updated_at > routes.updated_at THEN excluded.updated_at ELSE routes.updated_at + 1 END
            RETURNING updated_at
            """,
            new { kind = KindName(kind), name, upstreams = JsonSerializer.Serialize(upstreams, NexusJson.Options), at = at.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return new StoredRoute(kind, name, upstreams, FromUnix(updatedAt));
    }

    public async Task<bool> DeleteRouteAsync(RouteKind kind, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM routes WHERE kind = @kind AND name = @name", new { kind = KindName(kind), name }, cancellationToken: cancellationToken)) == 1;
    }

    private static string KindName(RouteKind kind) => kind == RouteKind.Model ? "model" : "service";

    /// <summary>The audit table's columns, in the order the stores write them.</summary>
    protected const string AuditColumns =
        "at, tenant_id, key_id, endpoint, model, instance, status, prompt_tokens, completion_tokens, latency_ms, overhead_ms, request_id, trace_id";

    /// <summary>Writes a batch in one transaction, the dialect's fastest way (the audit writer's whole cost).</summary>
    public abstract Task WriteAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken);

    public async Task<IReadOnlyList<AuditRecord>> QueryAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            SELECT id, at, tenant_id AS tenantid, key_id AS keyid, endpoint, model, instance, status, prompt_tokens AS prompttokens,
                   completion_tokens AS completiontokens, latency_ms AS latencyms, overhead_ms AS overheadms, request_id AS requestid, trace_id AS traceid
            FROM audit WHERE 1 = 1
            """);
        if (query.TenantId is not null) sql.Append(" AND tenant_id = @TenantId");
        if (query.KeyId is not null) sql.Append(" AND key_id = @KeyId");
        if (query.Model is not null) sql.Append(" AND model = @Model");
        if (query.Status is not null) sql.Append(" AND status = @Status");
        if (query.From is not null) sql.Append(" AND at >= @From");
        if (query.To is not null) sql.Append(" AND at < @To");
        if (query.Before is not null) sql.Append(" AND id < @Before");
        sql.Append(" ORDER BY id DESC LIMIT @Limit");
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(sql.ToString(), new
        {
            query.TenantId, query.KeyId, query.Model, Status = (long?)query.Status, From = query.From?.ToUnixTimeMilliseconds(),
            To = query.To?.ToUnixTimeMilliseconds(), query.Before, Limit = (long)Math.Clamp(query.Limit, 1, 1000),
        }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<UsageRow>> QueryUsageAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            SELECT COALESCE(tenant_id, '') AS tenantid, COALESCE(key_id, '') AS keyid, COALESCE(model, '') AS model, COUNT(*) AS requests,
                   COALESCE(SUM(prompt_tokens), 0) AS prompttokens, COALESCE(SUM(completion_tokens), 0) AS completiontokens
            FROM audit WHERE tenant_id IS NOT NULL
            """);
        if (query.TenantId is not null) sql.Append(" AND tenant_id = @TenantId");
        if (query.From is not null) sql.Append(" AND at >= @From");
        if (query.To is not null) sql.Append(" AND at < @To");
        sql.Append(" GROUP BY tenant_id, key_id, model ORDER BY tenant_id, key_id, model");
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UsageDbRow>(new CommandDefinition(sql.ToString(), new
        {
            query.TenantId, From = query.From?.ToUnixTimeMilliseconds(), To = query.To?.ToUnixTimeMilliseconds(),
        }, cancellationToken: cancellationToken));
        return rows.Select(r => new UsageRow(r.TenantId, r.KeyId, r.Model, r.Requests, r.PromptTokens, r.CompletionTokens)).ToList();
    }

    private const string KeySelect =
        "SELECT id, tenant_id AS tenantid, name, prefix, hash, policy, created_at AS createdat, expires_at AS expiresat, revoked_at AS revokedat FROM api_keys";

    private async Task<ApiKeyRecord?> KeyWhereAsync(string condition, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(new CommandDefinition(KeySelect + " WHERE " + condition, new { value }, cancellationToken: cancellationToken));
        return row?.ToKey();
    }

    private static string Serialize(Policy policy) => JsonSerializer.Serialize(policy, NexusJson.Options);

    private static Policy Deserialize(string json) => JsonSerializer.Deserialize<Policy>(json, NexusJson.Options) ?? Policy.Unrestricted;

    private static DateTimeOffset FromUnix(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private sealed class TenantRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Policy { get; set; } = "{}";
        public long CreatedAt { get; set; }

        public Tenant ToTenant() => new(Id, Name, Deserialize(Policy), FromUnix(CreatedAt));
    }

    private sealed class KeyRow
    {
        public string Id { get; set; } = "";
        public string TenantId { get; set; } = "";
        public string Name { get; set; } = "";
        public string Prefix { get; set; } = "";
        public string Hash { get; set; } = "";
        public string Policy { get; set; } = "{}";
        public long CreatedAt { get; set; }
        public long? ExpiresAt { get; set; }
        public long? RevokedAt { get; set; }

        public ApiKeyRecord ToKey() => new(Id, TenantId, Name, Prefix, Hash, Deserialize(Policy), FromUnix(CreatedAt),
            ExpiresAt is { } e ? FromUnix(e) : null, RevokedAt is { } r ? FromUnix(r) : null);
    }

    private sealed class RouteRow
    {
        public string Kind { get; set; } = "";
        public string Name { get; set; } = "";
        public string Upstreams { get; set; } = "[]";
        public long UpdatedAt { get; set; }

        public StoredRoute ToRoute() => new(
            Kind == "model" ? RouteKind.Model : RouteKind.Service, Name,
            JsonSerializer.Deserialize<List<StaticUpstream>>(Upstreams, NexusJson.Options) ?? [], FromUnix(UpdatedAt));
    }

    private sealed class AuditRow
    {
        public long Id { get; set; }
        public long At { get; set; }
        public string? TenantId { get; set; }
        public string? KeyId { get; set; }
        public string Endpoint { get; set; } = "";
        public string? Model { get; set; }
        public string? Instance { get; set; }
        public long Status { get; set; }
        public long PromptTokens { get; set; }
        public long CompletionTokens { get; set; }
        public double LatencyMs { get; set; }
        public double OverheadMs { get; set; }
        public string RequestId { get; set; } = "";
        public string? TraceId { get; set; }

        public AuditRecord ToRecord() => new()
        {
            Id = Id, At = FromUnix(At), TenantId = TenantId, KeyId = KeyId, Endpoint = Endpoint, Model = Model, Instance = Instance,
            Status = (int)Status, PromptTokens = PromptTokens, CompletionTokens = CompletionTokens, LatencyMs = LatencyMs,
            OverheadMs = OverheadMs, RequestId = RequestId, TraceId = TraceId,
        };
    }

    private sealed class UsageDbRow
    {
        public string TenantId { get; set; } = "";
        public string KeyId { get; set; } = "";
        public string Model { get; set; } = "";
        public long Requests { get; set; }
        public long PromptTokens { get; set; }
        public long CompletionTokens { get; set; }
    }
}
