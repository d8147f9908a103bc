using Microsoft.Data.Sqlite;

namespace Nexus.Cli.Backups;

/// <summary>A service's embedded SQLite file, copied with SQLite's online backup API: a consistent copy even while the
/// service writes to it (a file copy of a database in WAL mode could miss committed pages).</summary>
internal sealed class SqliteDatabase(string path, BackupDataSet data) : IBackupDatabase
{
    private readonly string _dumpFile = data.SqliteFile;
    public string Source => "sqlite";

    public BackupDataSet Data => data;

    public Task<IReadOnlyList<string>> DumpAsync(string directory, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) throw new BackupException($"the SQLite file {path} does not exist");
        using (var source = Open(path, SqliteOpenMode.ReadOnly))
        using (var target = Open(Path.Combine(directory, _dumpFile), SqliteOpenMode.ReadWriteCreate))
        {
            source.BackupDatabase(target);
        }

        return Task.FromResult<IReadOnlyList<string>>([_dumpFile]);
    }

    public async Task<long?> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        await using var connection = Open(path, SqliteOpenMode.ReadOnly);
        if (!await HasTableAsync(connection, "schema_migrations", cancellationToken)) return null;
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT max(version) FROM schema_migrations";
        return await command.ExecuteScalarAsync(cancellationToken) is long version ? version : null;
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return true;
        await using var connection = Open(path, SqliteOpenMode.ReadOnly);
        return !await HasTableAsync(connection, null, cancellationToken);
    }

    public Task RestoreAsync(string directory, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        if (files.Count != 1 || files[0] != _dumpFile) throw new BackupException($"a SQLite backup of the {data.Name} holds one file, {_dumpFile}");
        // The backup API replaces every page of the target in one step, so a failure leaves the old database whole.
        using var source = Open(Path.Combine(directory, _dumpFile), SqliteOpenMode.ReadOnly);
        using var target = Open(path, SqliteOpenMode.ReadWriteCreate);
        source.BackupDatabase(target);
        return Task.CompletedTask;
    }

    private static SqliteConnection Open(string file, SqliteOpenMode mode)
    {
        // No pooling: a pooled connection would keep the file open after the command ends.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = mode, Pooling = false }.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw new BackupException($"cannot open the SQLite file {file}: {exception.Message}", exception);
        }
    }

    private static async Task<bool> HasTableAsync(SqliteConnection connection, string? name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND ($name IS NULL OR name = $name)";
        command.Parameters.AddWithValue("$name", (object?)name ?? DBNull.Value);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }
}
