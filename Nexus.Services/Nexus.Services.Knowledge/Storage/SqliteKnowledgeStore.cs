using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Nexus.Services.Knowledge.Storage;

/// <summary>The embedded default: one SQLite file in WAL mode.</summary>
internal sealed class SqliteKnowledgeStore(string path, TimeProvider time, ILogger<SqliteKnowledgeStore> logger) : KnowledgeStore(time, logger)
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        // Seconds a writer waits for another's lock before giving up.
        DefaultTimeout = 30,
    }.ToString();

    public override string Name => "SQLite";

    protected override string BlobType => "BLOB";

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // WAL lets scans run while a document is written; NORMAL syncs at checkpoints, which WAL makes crash-safe.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
