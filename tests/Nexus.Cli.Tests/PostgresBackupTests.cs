using Npgsql;
using Nexus.Testing;

namespace Nexus.Cli.Tests;

/// <summary>pg_dump and pg_restore against a real PostgreSQL 15 on a random port.</summary>
public sealed class PostgresBackupTests : IDisposable
{
    private readonly string _backup = CliRun.TemporaryDirectory("postgres");

    public void Dispose()
    {
        if (Directory.Exists(_backup)) Directory.Delete(_backup, recursive: true);
    }

    [SkippableFact]
    public async Task Backup_ThenRestoreIntoAnEmptyDatabase_GivesBackTheRowsAndRefusesASecondRestore()
    {
        TestPrograms.Require(Path.Combine(PostgresServer.Bin, "pg_dump"));
        await using var server = await PostgresServer.StartAsync();
        var source = await CreateDatabaseAsync(server, "gateway");
        var target = await CreateDatabaseAsync(server, "restored");
        await ExecuteAsync(source, """
            CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);
            INSERT INTO schema_migrations VALUES (1, 0), (2, 0);
            CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, policy JSONB NOT NULL);
            INSERT INTO tenants VALUES ('t1', 'acme', '{"requestsPerMinute": 60}'), ('t2', 'globex', '{}');
            """);

        var backup = await CliRun.RunAsync("backup", _backup, "--postgres", source, "--pg-bin", PostgresServer.Bin);
        backup.ExitCode.ShouldBe(0, backup.Error);
        var restore = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin);
        restore.ExitCode.ShouldBe(0, restore.Error);

        (await ScalarAsync(target, "SELECT string_agg(name || ':' || (policy->>'requestsPerMinute'), ',' ORDER BY name) FROM tenants")).ShouldBe("acme:60");
        (await ScalarAsync(target, "SELECT count(*)::text FROM tenants")).ShouldBe("2");
        (await File.ReadAllTextAsync(Path.Combine(_backup, "manifest.json"))).ShouldContain("\"schemaVersion\": 2");

        var again = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin);
        again.ExitCode.ShouldBe(1);
        again.Error.ShouldContain("not empty");

        await ExecuteAsync(target, "DELETE FROM tenants WHERE name = 'acme'");
        var forced = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin, "--force");
        forced.ExitCode.ShouldBe(0, forced.Error);
        (await ScalarAsync(target, "SELECT count(*)::text FROM tenants")).ShouldBe("2");
    }

    [SkippableFact]
    public async Task Restore_CorruptedDump_IsRefusedByItsChecksumBeforePgRestoreRuns()
    {
        TestPrograms.Require(Path.Combine(PostgresServer.Bin, "pg_dump"));
        await using var server = await PostgresServer.StartAsync();
        var source = await CreateDatabaseAsync(server, "gateway");
        var target = await CreateDatabaseAsync(server, "restored");
        await ExecuteAsync(source, "CREATE TABLE tenants (id TEXT PRIMARY KEY); INSERT INTO tenants VALUES ('t1');");
        var backup = await CliRun.RunAsync("backup", _backup, "--postgres", source, "--pg-bin", PostgresServer.Bin);
        backup.ExitCode.ShouldBe(0, backup.Error);
        CliRun.Corrupt(Path.Combine(_backup, "nexusdb.dump"));

        var restore = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin);

        restore.ExitCode.ShouldBe(1);
        restore.Error.ShouldContain("does not match its checksum");
        (await ScalarAsync(target, "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'")).ShouldBe("0");
    }

    private static async Task<string> CreateDatabaseAsync(PostgresServer server, string name)
    {
        await ExecuteAsync(server.ConnectionString, $"CREATE DATABASE {name}");
        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name, Pooling = false }.ConnectionString;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}
