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
        var source = await Databases.CreatePostgresAsync(server, "gateway");
        var target = await Databases.CreatePostgresAsync(server, "restored");
        await Databases.ExecutePostgresAsync(source, """
            CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);
            INSERT INTO schema_migrations VALUES (1, 0), (2, 0);
            CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL, policy JSONB NOT NULL);
            INSERT INTO tenants VALUES ('t1', 'acme', '{"requestsPerMinute": 60}'), ('t2', 'globex', '{}');
            """);

        var backup = await CliRun.RunAsync("backup", _backup, "--postgres", source, "--pg-bin", PostgresServer.Bin);
        backup.ExitCode.ShouldBe(0, backup.Error);
        var restore = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin);
        restore.ExitCode.ShouldBe(0, restore.Error);

        (await Databases.PostgresScalarAsync(target, "SELECT string_agg(name || ':' || (policy->>'requestsPerMinute'), ',' ORDER BY name) FROM tenants")).ShouldBe("acme:60");
        (await Databases.PostgresScalarAsync(target, "SELECT count(*)::text FROM tenants")).ShouldBe("2");
        (await File.ReadAllTextAsync(Path.Combine(_backup, "manifest.json"))).ShouldContain("\"schemaVersion\": 2");

        var again = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin);
        again.ExitCode.ShouldBe(1);
        again.Error.ShouldContain("not empty");

        await Databases.ExecutePostgresAsync(target, "DELETE FROM tenants WHERE name = 'acme'");
        var forced = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin, "--force");
        forced.ExitCode.ShouldBe(0, forced.Error);
        (await Databases.PostgresScalarAsync(target, "SELECT count(*)::text FROM tenants")).ShouldBe("2");
    }

    [SkippableFact]
    public async Task Restore_CorruptedDump_IsRefusedByItsChecksumBeforePgRestoreRuns()
    {
        TestPrograms.Require(Path.Combine(PostgresServer.Bin, "pg_dump"));
        await using var server = await PostgresServer.StartAsync();
        var source = await Databases.CreatePostgresAsync(server, "gateway");
        var target = await Databases.CreatePostgresAsync(server, "restored");
        await Databases.ExecutePostgresAsync(source, "CREATE TABLE tenants (id TEXT PRIMARY KEY); INSERT INTO tenants VALUES ('t1');");
        var backup = await CliRun.RunAsync("backup", _backup, "--postgres", source, "--pg-bin", PostgresServer.Bin);
        backup.ExitCode.ShouldBe(0, backup.Error);
        CliRun.Corrupt(Path.Combine(_backup, "nexusdb.dump"));

        var restore = await CliRun.RunAsync("restore", _backup, "--postgres", target, "--pg-bin", PostgresServer.Bin);

        restore.ExitCode.ShouldBe(1);
        restore.Error.ShouldContain("does not match its checksum");
        (await Databases.PostgresScalarAsync(target, "SELECT count(*)::text FROM pg_tables WHERE schemaname = 'public'")).ShouldBe("0");
    }
}
