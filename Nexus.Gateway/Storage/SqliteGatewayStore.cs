using System.Data.Common;
using Microsoft.Data.Sqlite;

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

    public static string ConnectionStringFor(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Shared,
        DefaultTimeout = 30,
    }.ToString();
}
