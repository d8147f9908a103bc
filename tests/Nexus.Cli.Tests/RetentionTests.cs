namespace Nexus.Cli.Tests;

/// <summary><c>backup --timestamped --keep N</c>: old complete backups of the same data go, oldest first; nothing else in
/// the folder is touched.</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly string _root = CliRun.TemporaryDirectory("retention");

    public RetentionTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Backups => Path.Combine(_root, "backups");

    [Fact]
    public async Task Keep_RemovesTheOldestCompleteBackupsOfTheSameDataAndNothingElse()
    {
        var gateway = Path.Combine(_root, "nexus-gateway.db");
        var agents = Path.Combine(_root, "nexus-agents.db");
        await Databases.ExecuteSqliteAsync(gateway, "CREATE TABLE tenants (name TEXT); INSERT INTO tenants VALUES ('acme');");
        await Databases.ExecuteSqliteAsync(agents, "CREATE TABLE agent_sessions (id TEXT);");
        // Made one after another, so their manifests' times order them: oldest, older, newest.
        foreach (var name in new[] { "oldest", "older", "newest" })
        {
            (await CliRun.RunAsync("backup", Path.Combine(Backups, name), "--sqlite", gateway)).ExitCode.ShouldBe(0);
        }

        await File.WriteAllTextAsync(Path.Combine(Backups, "oldest", "operator-notes.txt"), "before the migration");
        (await CliRun.RunAsync("backup", Path.Combine(Backups, "agents-old"), "--data", "agents", "--sqlite", agents)).ExitCode.ShouldBe(0);
        Directory.CreateDirectory(Path.Combine(Backups, "unfinished"));
        await File.WriteAllTextAsync(Path.Combine(Backups, "unfinished", "nexus-gateway.db"), "half a dump");
        Directory.CreateDirectory(Path.Combine(Backups, "not-a-manifest"));
        await File.WriteAllTextAsync(Path.Combine(Backups, "not-a-manifest", "manifest.json"), "{ broken");
        await File.WriteAllTextAsync(Path.Combine(Backups, "README.txt"), "copied off nightly");

        var run = await CliRun.RunAsync("backup", Backups, "--sqlite", gateway, "--timestamped", "--keep", "2");

        run.ExitCode.ShouldBe(0, run.Error);
        var written = Directory.GetDirectories(Backups).Select(Path.GetFileName).Single(name => name!.EndsWith('Z'));
        File.Exists(Path.Combine(Backups, written!, "manifest.json")).ShouldBeTrue();
        File.Exists(Path.Combine(Backups, "newest", "manifest.json")).ShouldBeTrue("the newest old backup is the second one kept");
        Directory.Exists(Path.Combine(Backups, "older")).ShouldBeFalse();
        // The oldest backup's own files are gone; the operator's file, which the manifest does not name, stays.
        Directory.GetFiles(Path.Combine(Backups, "oldest")).Select(Path.GetFileName).ShouldBe(["operator-notes.txt"]);
        File.Exists(Path.Combine(Backups, "agents-old", "manifest.json")).ShouldBeTrue("the agents' backups are counted apart");
        File.Exists(Path.Combine(Backups, "unfinished", "nexus-gateway.db")).ShouldBeTrue();
        File.Exists(Path.Combine(Backups, "not-a-manifest", "manifest.json")).ShouldBeTrue();
        File.Exists(Path.Combine(Backups, "README.txt")).ShouldBeTrue();
        run.Output.ShouldContain("removed the old backup");
        (await CliRun.RunAsync("restore", Path.Combine(Backups, written!), "--sqlite", Path.Combine(_root, "restored.db"))).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task KeepOne_LeavesTheBackupJustWritten()
    {
        var gateway = Path.Combine(_root, "nexus-gateway.db");
        await Databases.ExecuteSqliteAsync(gateway, "CREATE TABLE tenants (name TEXT);");
        (await CliRun.RunAsync("backup", Path.Combine(Backups, "old"), "--sqlite", gateway)).ExitCode.ShouldBe(0);

        var run = await CliRun.RunAsync("backup", Backups, "--sqlite", gateway, "--timestamped", "--keep", "1");

        run.ExitCode.ShouldBe(0, run.Error);
        Directory.GetDirectories(Backups).ShouldHaveSingleItem().ShouldMatch(@"\d{8}T\d{6}Z$");
    }

    [Theory]
    [InlineData("--keep", "0")]
    [InlineData("--keep", "-3")]
    [InlineData("--keep", "many")]
    public async Task Keep_NotAPositiveNumber_IsAUsageError(string option, string value)
    {
        var run = await CliRun.RunAsync("backup", Backups, "--timestamped", option, value);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("--keep takes a number of backups");
    }

    [Fact]
    public async Task Keep_WithoutTimestamped_IsAUsageError()
    {
        var run = await CliRun.RunAsync("backup", Backups, "--keep", "3");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("--keep needs --timestamped");
        Directory.Exists(Backups).ShouldBeFalse();
    }
}
