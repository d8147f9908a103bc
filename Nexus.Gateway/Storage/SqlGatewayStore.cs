using System.Data.Common;
using System.Text;
using System.Text.Json;
using Nexus.Contract;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Mcp.Routes;
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
        await Sql.ExecuteAsync(connection,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", null, cancellationToken);

        HashSet<long> applied;
        await using (var select = Sql.CommandFor(connection, "SELECT version FROM schema_migrations", null))
        {
            applied = (await Sql.ListAsync(select, r => r.GetInt64(0), cancellationToken)).ToHashSet();
        }

        for (var version = 1; version <= Migrations.Count; version++)
        {
            if (applied.Contains(version)) continue;
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await Sql.ExecuteAsync(connection, Migrations[version - 1], transaction, cancellationToken);
            await Sql.ExecuteAsync(connection, "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at)", transaction, cancellationToken,
                ("version", (long)version), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            await transaction.CommitAsync(cancellationToken);
            GatewayLog.MigrationApplied(logger, version, StoreName);
        }
    }

    public async Task CreateTenantAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Sql.ExecuteAsync(connection,
            "INSERT INTO tenants (id, name, policy, created_at) VALUES (@Id, @Name, @Policy, @CreatedAt)", null, cancellationToken,
            ("Id", tenant.Id), ("Name", tenant.Name), ("Policy", Serialize(tenant.Policy)), ("CreatedAt", tenant.CreatedAt.ToUnixTimeMilliseconds()));
    }

    public async Task<Tenant?> GetTenantAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, TenantSelect + " WHERE id = @id AND deleted_at IS NULL", null, ("id", id));
        return await Sql.FirstOrDefaultAsync(command, ReadTenant, cancellationToken);
    }

    public async Task<IReadOnlyList<Tenant>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, TenantSelect + " WHERE deleted_at IS NULL ORDER BY created_at, id", null);
        return await Sql.ListAsync(command, ReadTenant, cancellationToken);
    }

    public async Task<bool> UpdateTenantAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Sql.ExecuteAsync(connection,
            "UPDATE tenants SET name = @Name, policy = @Policy WHERE id = @Id AND deleted_at IS NULL", null, cancellationToken,
            ("Id", tenant.Id), ("Name", tenant.Name), ("Policy", Serialize(tenant.Policy))) == 1;
    }

    public async Task<bool> DeleteTenantAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Sql.ExecuteAsync(connection,
            "UPDATE api_keys SET revoked_at = @at WHERE tenant_id = @id AND revoked_at IS NULL", transaction, cancellationToken,
            ("id", id), ("at", at.ToUnixTimeMilliseconds()));
        var deleted = await Sql.ExecuteAsync(connection,
            "UPDATE tenants SET deleted_at = @at WHERE id = @id AND deleted_at IS NULL", transaction, cancellationToken,
            ("id", id), ("at", at.ToUnixTimeMilliseconds()));
        await transaction.CommitAsync(cancellationToken);
        return deleted == 1;
    }

    public async Task CreateKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await Sql.ExecuteAsync(connection,
            """
            INSERT INTO api_keys (id, tenant_id, name, prefix, hash, policy, created_at, expires_at, revoked_at)
            VALUES (@Id, @TenantId, @Name, @Prefix, @Hash, @Policy, @CreatedAt, @ExpiresAt, NULL)
            """,
            null, cancellationToken,
            ("Id", key.Id), ("TenantId", key.TenantId), ("Name", key.Name), ("Prefix", key.Prefix), ("Hash", key.Hash),
            ("Policy", Serialize(key.Policy)), ("CreatedAt", key.CreatedAt.ToUnixTimeMilliseconds()), ("ExpiresAt", key.ExpiresAt?.ToUnixTimeMilliseconds()));
    }

    public Task<ApiKeyRecord?> FindKeyByHashAsync(string hash, CancellationToken cancellationToken) => KeyWhereAsync("hash = @value", hash, cancellationToken);

    public Task<ApiKeyRecord?> GetKeyAsync(string id, CancellationToken cancellationToken) => KeyWhereAsync("id = @value", id, cancellationToken);

    public async Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, KeySelect + " WHERE tenant_id = @tenantId ORDER BY created_at, id", null, ("tenantId", tenantId));
        return await Sql.ListAsync(command, ReadKey, cancellationToken);
    }

    public async Task<bool> UpdateKeyPolicyAsync(string id, Policy policy, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Sql.ExecuteAsync(connection, "UPDATE api_keys SET policy = @policy WHERE id = @id", null, cancellationToken,
            ("id", id), ("policy", Serialize(policy))) == 1;
    }

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Sql.ExecuteAsync(connection, "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", null, cancellationToken,
            ("id", id), ("at", at.ToUnixTimeMilliseconds())) == 1;
    }

    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, "SELECT value FROM settings WHERE name = @name", null, ("name", name));
        return await command.ExecuteScalarAsync(cancellationToken) as string; // null when there is no such setting
    }

    public async Task<bool> TrySetSettingAsync(string name, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Sql.ExecuteAsync(connection,
            "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING", null, cancellationToken, ("name", name), ("value", value)) == 1;
    }

    /// <summary>Migration 2, the same in both dialects: static routes from the admin API.</summary>
    protected const string RoutesMigration =
        "CREATE TABLE routes (kind TEXT NOT NULL, name TEXT NOT NULL, upstreams TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (kind, name));";

    public async Task<IReadOnlyList<StoredRoute>> ListRoutesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, "SELECT kind, name, upstreams, updated_at AS updatedat FROM routes ORDER BY kind, name", null);
        return await Sql.ListAsync(command, ReadRoute, cancellationToken);
    }

    public async Task<StoredRoute> PutRouteAsync(RouteKind kind, string name, IReadOnlyList<StaticUpstream> upstreams, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection,
            """
            INSERT INTO routes (kind, name, upstreams, updated_at) VALUES (@kind, @name, @upstreams, @at)
            ON CONFLICT (kind, name) DO UPDATE SET upstreams = excluded.upstreams,
                updated_at = CASE WHEN excluded.updated_at > routes.updated_at THEN excluded.updated_at ELSE routes.updated_at + 1 END
            RETURNING updated_at
            """,
            null,
            ("kind", kind.Name()), ("name", name), ("upstreams", JsonSerializer.Serialize(upstreams, NexusJson.Options)), ("at", at.ToUnixTimeMilliseconds()));
        // An upsert with RETURNING always yields its one row: a BIGINT, a long in both providers.
        var updatedAt = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new StoredRoute(kind, name, upstreams, FromUnix(updatedAt));
    }

    public async Task<bool> DeleteRouteAsync(RouteKind kind, string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Sql.ExecuteAsync(connection, "DELETE FROM routes WHERE kind = @kind AND name = @name", null, cancellationToken,
            ("kind", kind.Name()), ("name", name)) == 1;
    }

    /// <summary>Migration 3, the same in both dialects: MCP routes from the admin API (the upstream, its credentials included, as JSON).</summary>
    protected const string McpRoutesMigration =
        "CREATE TABLE mcp_routes (name TEXT PRIMARY KEY, upstream TEXT NOT NULL, updated_at BIGINT NOT NULL);";

    public async Task<IReadOnlyList<StoredMcpRoute>> ListMcpRoutesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, "SELECT name, upstream, updated_at AS updatedat FROM mcp_routes ORDER BY name", null);
        return await Sql.ListAsync(command, ReadMcpRoute, cancellationToken);
    }

    public async Task<StoredMcpRoute> PutMcpRouteAsync(string name, McpRouteUpstream upstream, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection,
            """
            INSERT INTO mcp_routes (name, upstream, updated_at) VALUES (@name, @upstream, @at)
            ON CONFLICT (name) DO UPDATE SET upstream = excluded.upstream,
                updated_at = CASE WHEN excluded.updated_at > mcp_routes.updated_at THEN excluded.updated_at ELSE mcp_routes.updated_at + 1 END
            RETURNING updated_at
            """,
            null,
            ("name", name), ("upstream", JsonSerializer.Serialize(upstream, NexusJson.Options)), ("at", at.ToUnixTimeMilliseconds()));
        var updatedAt = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new StoredMcpRoute(name, upstream, FromUnix(updatedAt));
    }

    public async Task<bool> DeleteMcpRouteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await Sql.ExecuteAsync(connection, "DELETE FROM mcp_routes WHERE name = @name", null, cancellationToken, ("name", name)) == 1;
    }

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
        var parameters = new List<(string Name, object? Value)>();
        if (query.TenantId is not null) Filter(" AND tenant_id = @TenantId", "TenantId", query.TenantId);
        if (query.KeyId is not null) Filter(" AND key_id = @KeyId", "KeyId", query.KeyId);
        if (query.Model is not null) Filter(" AND model = @Model", "Model", query.Model);
        if (query.Status is { } status) Filter(" AND status = @Status", "Status", (long)status);
        if (query.From is { } from) Filter(" AND at >= @From", "From", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Filter(" AND at < @To", "To", to.ToUnixTimeMilliseconds());
        if (query.Before is { } before) Filter(" AND id < @Before", "Before", before);
        sql.Append(" ORDER BY id DESC LIMIT @Limit");
        parameters.Add(("Limit", (long)Math.Clamp(query.Limit, 1, 1000)));
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, sql.ToString(), null, [.. parameters]);
        return await Sql.ListAsync(command, ReadAudit, cancellationToken);

        void Filter(string condition, string name, object value)
        {
            sql.Append(condition);
            parameters.Add((name, value));
        }
    }

    public async Task<IReadOnlyList<UsageRow>> QueryUsageAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            """
            SELECT COALESCE(tenant_id, '') AS tenantid, COALESCE(key_id, '') AS keyid, COALESCE(model, '') AS model, COUNT(*) AS requests,
                   COALESCE(SUM(prompt_tokens), 0) AS prompttokens, COALESCE(SUM(completion_tokens), 0) AS completiontokens
            FROM audit WHERE tenant_id IS NOT NULL
            """);
        var parameters = new List<(string Name, object? Value)>();
        if (query.TenantId is not null) Filter(" AND tenant_id = @TenantId", "TenantId", query.TenantId);
        if (query.From is { } from) Filter(" AND at >= @From", "From", from.ToUnixTimeMilliseconds());
        if (query.To is { } to) Filter(" AND at < @To", "To", to.ToUnixTimeMilliseconds());
        sql.Append(" GROUP BY tenant_id, key_id, model ORDER BY tenant_id, key_id, model");
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, sql.ToString(), null, [.. parameters]);
        return await Sql.ListAsync(command, ReadUsage, cancellationToken);

        void Filter(string condition, string name, object value)
        {
            sql.Append(condition);
            parameters.Add((name, value));
        }
    }

    private const string TenantSelect = "SELECT id, name, policy, created_at AS createdat FROM tenants";

    private const string KeySelect =
        "SELECT id, tenant_id AS tenantid, name, prefix, hash, policy, created_at AS createdat, expires_at AS expiresat, revoked_at AS revokedat FROM api_keys";

    private async Task<ApiKeyRecord?> KeyWhereAsync(string condition, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Sql.CommandFor(connection, KeySelect + " WHERE " + condition, null, ("value", value));
        return await Sql.FirstOrDefaultAsync(command, ReadKey, cancellationToken);
    }

    private static string Serialize(Policy policy) => JsonSerializer.Serialize(policy, NexusJson.Options);

    private static Policy Deserialize(string json) => JsonSerializer.Deserialize<Policy>(json, NexusJson.Options) ?? Policy.Unrestricted;

    private static DateTimeOffset FromUnix(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    // The row readers below read by position, in the order of the SELECT each one serves.

    /// <summary>A row of <see cref="TenantSelect"/>.</summary>
    private static Tenant ReadTenant(DbDataReader r) => new(r.GetString(0), r.GetString(1), Deserialize(r.GetString(2)), FromUnix(r.GetInt64(3)));

    /// <summary>A row of <see cref="KeySelect"/>.</summary>
    private static ApiKeyRecord ReadKey(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), Deserialize(r.GetString(5)), FromUnix(r.GetInt64(6)),
        r.GetInt64OrNull(7) is { } expiresAt ? FromUnix(expiresAt) : null, r.GetInt64OrNull(8) is { } revokedAt ? FromUnix(revokedAt) : null);

    /// <summary>A row of <see cref="ListRoutesAsync"/>: kind, name, upstreams, updated_at.</summary>
    private static StoredRoute ReadRoute(DbDataReader r) => new(
        r.GetString(0) == RouteKind.Model.Name() ? RouteKind.Model : RouteKind.Service, r.GetString(1),
        JsonSerializer.Deserialize<List<StaticUpstream>>(r.GetString(2), NexusJson.Options) ?? [], FromUnix(r.GetInt64(3)));

    /// <summary>A row of <see cref="ListMcpRoutesAsync"/>: name, upstream, updated_at.</summary>
    private static StoredMcpRoute ReadMcpRoute(DbDataReader r) => new(
        r.GetString(0), JsonSerializer.Deserialize<McpRouteUpstream>(r.GetString(1), NexusJson.Options) ?? new McpRouteUpstream(), FromUnix(r.GetInt64(2)));

    /// <summary>A row of <see cref="QueryAuditAsync"/>: the audit table's columns, id first.</summary>
    private static AuditRecord ReadAudit(DbDataReader r) => new()
    {
        Id = r.GetInt64(0), At = FromUnix(r.GetInt64(1)), TenantId = r.GetStringOrNull(2), KeyId = r.GetStringOrNull(3), Endpoint = r.GetString(4),
        Model = r.GetStringOrNull(5), Instance = r.GetStringOrNull(6), Status = (int)r.GetInt64(7), PromptTokens = r.GetInt64(8),
        CompletionTokens = r.GetInt64(9), LatencyMs = r.GetDouble(10), OverheadMs = r.GetDouble(11), RequestId = r.GetString(12),
        TraceId = r.GetStringOrNull(13),
    };

    /// <summary>A row of <see cref="QueryUsageAsync"/>; its sums are NUMERIC in PostgreSQL, hence the conversions.</summary>
    private static UsageRow ReadUsage(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64Converted(3), r.GetInt64Converted(4), r.GetInt64Converted(5));
}
