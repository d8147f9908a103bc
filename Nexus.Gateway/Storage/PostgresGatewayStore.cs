using System.Data.Common;
using Nexus.Gateway.Usage;
using Npgsql;

namespace Nexus.Gateway.Storage;

/// <summary>The production store: PostgreSQL through one pooled data source.</summary>
internal sealed class PostgresGatewayStore(NpgsqlDataSource dataSource, ILogger<PostgresGatewayStore> logger) : SqlGatewayStore(logger)
{
    protected override string StoreName => "PostgreSQL";

    protected override IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, policy TEXT NOT NULL, created_at BIGINT NOT NULL, deleted_at BIGINT NULL);
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants (id), name TEXT NOT NULL, prefix TEXT NOT NULL,
            hash TEXT NOT NULL UNIQUE, policy TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NULL, revoked_at BIGINT NULL);
        CREATE INDEX ix_api_keys_tenant ON api_keys (tenant_id);
        CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE audit (
            id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, tenant_id TEXT NULL, key_id TEXT NULL, endpoint TEXT NOT NULL,
            model TEXT NULL, instance TEXT NULL, status BIGINT NOT NULL, prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL,
            latency_ms DOUBLE PRECISION NOT NULL, overhead_ms DOUBLE PRECISION NOT NULL, request_id TEXT NOT NULL, trace_id TEXT NULL);
        CREATE INDEX ix_audit_tenant_id ON audit (tenant_id, id);
        CREATE INDEX ix_audit_at ON audit (at);
        """,
        RoutesMigration,
        McpRoutesMigration,
    ];

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>Binary COPY: one round trip streams the whole batch, far cheaper than a statement per record.</summary>
    public override async Task WriteAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0) return;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync($"COPY audit ({AuditColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        var values = new object[13];
        foreach (var record in records)
        {
            AuditValues(record, values);
            await importer.WriteRowAsync(cancellationToken, values);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>A record's column values in <c>AuditColumns</c> order, nulls as <see cref="DBNull"/>.</summary>
    private static void AuditValues(AuditRecord r, object[] values)
    {
        values[0] = r.At.ToUnixTimeMilliseconds();
        values[1] = (object?)r.TenantId ?? DBNull.Value;
        values[2] = (object?)r.KeyId ?? DBNull.Value;
        values[3] = r.Endpoint;
        values[4] = (object?)r.Model ?? DBNull.Value;
        values[5] = (object?)r.Instance ?? DBNull.Value;
        values[6] = (long)r.Status;
        values[7] = r.PromptTokens;
        values[8] = r.CompletionTokens;
        values[9] = r.LatencyMs;
        values[10] = r.OverheadMs;
        values[11] = r.RequestId;
        values[12] = (object?)r.TraceId ?? DBNull.Value;
    }
}
