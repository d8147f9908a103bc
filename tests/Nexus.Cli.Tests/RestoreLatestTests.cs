namespace Nexus.Cli.Tests;

/// <summary><c>restore &lt;folder&gt; --latest</c>, as the restore template runs it: the newest complete backup of the data.</summary>
public sealed class RestoreLatestTests : IDisposable
{
    private readonly string _root = CliRun.TemporaryDirectory("latest");

    public RestoreLatestTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Backups => Path.Combine(_root, "backups");

    [Fact]
    public async Task Latest_RestoresTheNewestCompleteBackupOfTheData()
    {
        var gateway = Path.Combine(_root, "nexus-gateway.db");
        var agents = Path.Combine(_root, "nexus-agents.db");
        await Databases.ExecuteSqliteAsync(gateway, "CREATE TABLE tenants (name TEXT); INSERT INTO tenants VALUES ('acme');");
        await Databases.ExecuteSqliteAsync(agents, "CREATE TABLE agent_sessions (id TEXT);");
        (await CliRun.RunAsync("backup", Path.Combine(Backups, "b-first"), "--sqlite", gateway)).ExitCode.ShouldBe(0);
        await Databases.ExecuteSqliteAsync(gateway, "INSERT INTO tenants VALUES ('globex');");
        (await CliRun.RunAsync("backup", Path.Combine(Backups, "a-second"), "--sqlite", gateway)).ExitCode.ShouldBe(0);
        // Newer, but not the gateway's, or unfinished.
        (await CliRun.RunAsync("backup", Path.Combine(Backups, "c-agents"), "--data", "agents", "--sqlite", agents)).ExitCode.ShouldBe(0);
        Directory.CreateDirectory(Path.Combine(Backups, "d-unfinished"));
        var target = Path.Combine(_root, "restored.db");

        var restored = await CliRun.RunAsync("restore", Backups, "--latest", "--sqlite", target);

        restored.ExitCode.ShouldBe(0, restored.Error);
        restored.Output.ShouldContain("a-second");
        (await Databases.SqliteScalarAsync(target, "SELECT group_concat(name, ',') FROM (SELECT name FROM tenants ORDER BY name)")).ShouldBe("acme,globex");
    }

    [Fact]
    public async Task Latest_WithNoCompleteBackup_FailsNamingTheFolder()
    {
        Directory.CreateDirectory(Path.Combine(Backups, "unfinished"));

        var restored = await CliRun.RunAsync("restore", Backups, "--latest", "--sqlite", Path.Combine(_root, "restored.db"));

        restored.ExitCode.ShouldBe(1);
        restored.Error.ShouldContain("holds no complete backup of the gateway data");
    }
}
