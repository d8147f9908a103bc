using System.Diagnostics;
using Npgsql;

namespace Nexus.Cli.Backups;

/// <summary>A service's PostgreSQL database, dumped with pg_dump in its custom format (compressed, restorable table by
/// table) and loaded with pg_restore. The connection goes to both through libpq's environment variables, so the
/// password never appears on a command line.</summary>
internal sealed class PostgresDatabase(string connectionString, string? pgBin, BackupDataSet data) : IBackupDatabase
{
    private readonly string _dumpFile = data.PostgresDumpFile;
    private readonly NpgsqlConnectionStringBuilder _connection = Parse(connectionString);

    public string Source => "postgresql";

    public BackupDataSet Data => data;

    public async Task<IReadOnlyList<string>> DumpAsync(string directory, CancellationToken cancellationToken)
    {
        await RunAsync("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", "--file", Path.Combine(directory, _dumpFile)], cancellationToken);
        return [_dumpFile];
    }

    public async Task<long?> SchemaVersionAsync(CancellationToken cancellationToken)
    {
        // Two statements: PostgreSQL resolves every table a statement names before running it, even in a branch not taken.
        if (await ScalarAsync("SELECT to_regclass('schema_migrations')::text", cancellationToken) is null) return null;
        return await ScalarAsync("SELECT max(version) FROM schema_migrations", cancellationToken) as long?;
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken) =>
        (long)(await ScalarAsync(
            """
            SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
            """, cancellationToken))! == 0;

    public async Task RestoreAsync(string directory, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        if (files.Count != 1 || files[0] != _dumpFile) throw new BackupException($"a PostgreSQL backup of the {data.Name} holds one file, {_dumpFile}");
        // One transaction: a restore that fails half way leaves the database as it was. --clean drops what a forced
        // restore replaces; on an empty database it has nothing to drop.
        await RunAsync("pg_restore", ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
            "--dbname", _connection.Database ?? "postgres", Path.Combine(directory, _dumpFile)], cancellationToken);
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connection.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is DBNull ? null : value;
        }
        catch (NpgsqlException exception)
        {
            throw new BackupException($"cannot query PostgreSQL at {_connection.Host}:{_connection.Port}: {exception.Message}", exception);
        }
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(pgBin is null ? program : Path.Combine(pgBin, program))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["PGHOST"] = _connection.Host;
        info.Environment["PGPORT"] = _connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PGDATABASE"] = _connection.Database ?? "postgres";
        if (_connection.Username is { } user) info.Environment["PGUSER"] = user;
        if (_connection.Password is { } password) info.Environment["PGPASSWORD"] = password;
        if (SslModeName(_connection.SslMode) is { } sslMode) info.Environment["PGSSLMODE"] = sslMode;

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new BackupException($"cannot run {info.FileName} (install PostgreSQL's client tools or pass --pg-bin): {exception.Message}", exception);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            await output;
            var message = (await error).Trim();
            if (process.ExitCode != 0) throw new BackupException($"{program} failed with exit code {process.ExitCode}: {message}");
        }
    }

    private static string? SslModeName(SslMode mode) => mode switch
    {
        SslMode.Disable => "disable",
        SslMode.Require => "require",
        SslMode.VerifyCA => "verify-ca",
        SslMode.VerifyFull => "verify-full",
        _ => null,
    };

    private static NpgsqlConnectionStringBuilder Parse(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new BackupException($"the PostgreSQL connection string is not valid: {exception.Message}", exception);
        }
    }
}
