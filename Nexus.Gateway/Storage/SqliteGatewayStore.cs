using System.Data.Common;
using System.Text;
using Microsoft.Data.Sqlite;
using Nexus.Gateway.Usage;
using SQLitePCL;

namespace Nexus.Gateway.Storage;

/// <summary>The embedded default: one SQLite file in WAL mode.</summary>
internal sealed class SqliteGatewayStore(string connectionString, ILogger<SqliteGatewayStore> logger) : SqlGatewayStore(logger)
{
    protected override string StoreName => "SQLite";

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
            id INTEGER PRIMARY KEY AUTOINCREMENT, at BIGINT NOT NULL, tenant_id TEXT NULL, key_id TEXT NULL, endpoint TEXT NOT NULL,
            model TEXT NULL, instance TEXT NULL, status BIGINT NOT NULL, prompt_tokens BIGINT NOT NULL, completion_tokens BIGINT NOT NULL,
            latency_ms DOUBLE PRECISION NOT NULL, overhead_ms DOUBLE PRECISION NOT NULL, request_id TEXT NOT NULL, trace_id TEXT NULL);
        CREATE INDEX ix_audit_tenant_id ON audit (tenant_id, id);
        CREATE INDEX ix_audit_at ON audit (at);
        """,
        RoutesMigration,
        McpRoutesMigration,
    ];

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL lets readers and the audit writer work at once; NORMAL syncs at checkpoints rather than every commit,
        // which in WAL mode survives a crash of the gateway (only an OS crash can lose the last commits).
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// Through SQLite's own API with one prepared statement: per record thirteen binds and a step, without the
    /// provider's per-execution reader, parameter lookups and binder objects (the audit writer's main cost).
    /// </summary>
    public override async Task WriteAuditAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0) return;
        await using var connection = (SqliteConnection)await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Insert(connection.Handle!, records);
        await transaction.CommitAsync(cancellationToken);
    }

    private static void Insert(sqlite3 db, IReadOnlyList<AuditRecord> records)
    {
        Check(db, raw.sqlite3_prepare_v2(db, $"INSERT INTO audit ({AuditColumns}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)", out var statement));
        using (statement)
        {
            var text = new byte[256];
            foreach (var r in records)
            {
                Check(db, raw.sqlite3_bind_int64(statement, 1, r.At.ToUnixTimeMilliseconds()));
                BindText(db, statement, 2, r.TenantId, ref text);
                BindText(db, statement, 3, r.KeyId, ref text);
                BindText(db, statement, 4, r.Endpoint, ref text);
                BindText(db, statement, 5, r.Model, ref text);
                BindText(db, statement, 6, r.Instance, ref text);
                Check(db, raw.sqlite3_bind_int64(statement, 7, r.Status));
                Check(db, raw.sqlite3_bind_int64(statement, 8, r.PromptTokens));
                Check(db, raw.sqlite3_bind_int64(statement, 9, r.CompletionTokens));
                Check(db, raw.sqlite3_bind_double(statement, 10, r.LatencyMs));
                Check(db, raw.sqlite3_bind_double(statement, 11, r.OverheadMs));
                BindText(db, statement, 12, r.RequestId, ref text);
                BindText(db, statement, 13, r.TraceId, ref text);
                var step = raw.sqlite3_step(statement);
                if (step != raw.SQLITE_DONE) Check(db, step);
                Check(db, raw.sqlite3_reset(statement));
            }
        }
    }

    // SQLite copies the bytes (SQLITE_TRANSIENT), so one buffer serves every value.
    private static void BindText(sqlite3 db, sqlite3_stmt statement, int index, string? value, ref byte[] buffer)
    {
        if (value is null)
        {
            Check(db, raw.sqlite3_bind_null(statement, index));
            return;
        }

        if (buffer.Length < Encoding.UTF8.GetMaxByteCount(value.Length)) buffer = new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        var length = Encoding.UTF8.GetBytes(value, buffer);
        Check(db, raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, length)));
    }

    private static void Check(sqlite3 db, int result)
    {
        if (result != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(result, db);
    }

    public static string ConnectionStringFor(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Shared,
        DefaultTimeout = 30,
    }.ToString();
}
