using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Nexus.Cli.Tests;

public sealed class SqliteBackupTests : IDisposable
{
    private readonly string _root = CliRun.TemporaryDirectory("sqlite");

    public SqliteBackupTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Source => Path.Combine(_root, "source.db");

    private string Target => Path.Combine(_root, "target.db");

    private string BackupDirectory => Path.Combine(_root, "backup");

    [Fact]
    public async Task Backup_ThenRestoreIntoANewFile_GivesBackTheSameRowsAndAManifestWithChecksums()
    {
        await SeedAsync(Source, "acme", "globex");

        var backup = await CliRun.RunAsync("backup", BackupDirectory, "--sqlite", Source);
        backup.ExitCode.ShouldBe(0, backup.Error);
        var restore = await CliRun.RunAsync("restore", BackupDirectory, "--sqlite", Target);
        restore.ExitCode.ShouldBe(0, restore.Error);

        (await TenantsAsync(Target)).ShouldBe(["acme", "globex"]);
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(BackupDirectory, "manifest.json")))!;
        manifest["source"]!.GetValue<string>().ShouldBe("sqlite");
        manifest["schemaVersion"]!.GetValue<long>().ShouldBe(3);
        var file = manifest["files"]!.AsArray().ShouldHaveSingleItem()!;
        file["sha256"]!.GetValue<string>().ShouldMatch("^[0-9a-f]{64}$");
        file["bytes"]!.GetValue<long>().ShouldBe(new FileInfo(Path.Combine(BackupDirectory, file["name"]!.GetValue<string>())).Length);
    }

    [Fact]
    public async Task Restore_CorruptedBackupFile_IsRefusedByItsChecksumAndTheTargetIsUntouched()
    {
        await SeedAsync(Source, "acme");
        (await CliRun.RunAsync("backup", BackupDirectory, "--sqlite", Source)).ExitCode.ShouldBe(0);
        CliRun.Corrupt(Path.Combine(BackupDirectory, "nexus-gateway.db"));

        var restore = await CliRun.RunAsync("restore", BackupDirectory, "--sqlite", Target, "--force");

        restore.ExitCode.ShouldBe(1);
        restore.Error.ShouldContain("does not match its checksum");
        File.Exists(Target).ShouldBeFalse();
    }

    [Fact]
    public async Task Restore_NonEmptyDatabase_IsRefusedUnlessForced()
    {
        await SeedAsync(Source, "acme");
        await SeedAsync(Target, "initech");
        (await CliRun.RunAsync("backup", BackupDirectory, "--sqlite", Source)).ExitCode.ShouldBe(0);

        var refused = await CliRun.RunAsync("restore", BackupDirectory, "--sqlite", Target);
        refused.ExitCode.ShouldBe(1);
        refused.Error.ShouldContain("not empty");
        (await TenantsAsync(Target)).ShouldBe(["initech"]);

        var forced = await CliRun.RunAsync("restore", BackupDirectory, "--sqlite", Target, "--force");
        forced.ExitCode.ShouldBe(0, forced.Error);
        (await TenantsAsync(Target)).ShouldBe(["acme"]);
    }

    [Fact]
    public async Task Backup_IntoANonEmptyDirectory_IsRefused()
    {
        await SeedAsync(Source, "acme");
        Directory.CreateDirectory(BackupDirectory);
        await File.WriteAllTextAsync(Path.Combine(BackupDirectory, "other.txt"), "keep me");

        var backup = await CliRun.RunAsync("backup", BackupDirectory, "--sqlite", Source);

        backup.ExitCode.ShouldBe(1);
        backup.Error.ShouldContain("not empty");
    }

    [Fact]
    public async Task Run_UnknownCommand_IsAUsageError()
    {
        var run = await CliRun.RunAsync("bakup", BackupDirectory);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("usage: nexus backup");
    }

    private static async Task SeedAsync(string path, params string[] tenants)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL);
            INSERT INTO schema_migrations VALUES (1, 0), (2, 0), (3, 0);
            CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL);
            """;
        await command.ExecuteNonQueryAsync();
        foreach (var tenant in tenants)
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO tenants VALUES ($id, $name)";
            insert.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("N"));
            insert.Parameters.AddWithValue("$name", tenant);
            await insert.ExecuteNonQueryAsync();
        }
    }

    private static async Task<List<string>> TenantsAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM tenants ORDER BY name";
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }
}
