using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Cli.Tests;

/// <summary><c>--data agents</c>: the agents' sessions and memories (the tables the agents' SQL store creates), from
/// PostgreSQL (<c>agentsdb</c>) or the embedded SQLite file, restored into an empty database.</summary>
public sealed class AgentsBackupTests : IDisposable
{
    private const string Tables = """
        CREATE TABLE agent_sessions (
            tenant TEXT NOT NULL, user_id TEXT NOT NULL, workspace TEXT NOT NULL, conversation_id TEXT NOT NULL,
            agent TEXT NOT NULL, session_json TEXT NOT NULL, updated_at BIGINT NOT NULL,
            PRIMARY KEY (tenant, user_id, workspace, conversation_id));
        CREATE TABLE agent_memories (
            id TEXT PRIMARY KEY, tenant TEXT NOT NULL, user_id TEXT NOT NULL, workspace TEXT NOT NULL,
            text TEXT NOT NULL, vector TEXT NOT NULL, created_at BIGINT NOT NULL);
        INSERT INTO agent_sessions VALUES ('acme', 'ada', 'default', 'c1', 'researcher', '{"messages":2}', 1764633600000);
        INSERT INTO agent_memories VALUES ('m1', 'acme', 'ada', 'default', 'Ada prefers short answers.', 'AACAPw==', 1764633600000);
        """;

    private const string Contents =
        "SELECT (SELECT agent || ':' || session_json FROM agent_sessions) || '|' || (SELECT text FROM agent_memories)";

    private readonly string _root = CliRun.TemporaryDirectory("agents");

    public AgentsBackupTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [SkippableFact]
    public async Task Postgres_BackupThenRestoreIntoAnEmptyDatabase_GivesBackSessionsAndMemories()
    {
        TestPrograms.Require(Path.Combine(PostgresServer.Bin, "pg_dump"));
        await using var server = await PostgresServer.StartAsync();
        var source = await Databases.CreatePostgresAsync(server, "agentsdb");
        var target = await Databases.CreatePostgresAsync(server, "restored");
        await Databases.ExecutePostgresAsync(source, Tables);
        var backup = Path.Combine(_root, "backup");

        var dumped = await CliRun.RunAsync("backup", backup, "--data", "agents", "--postgres", source, "--pg-bin", PostgresServer.Bin);
        dumped.ExitCode.ShouldBe(0, dumped.Error);
        var restored = await CliRun.RunAsync("restore", backup, "--data", "agents", "--postgres", target, "--pg-bin", PostgresServer.Bin);
        restored.ExitCode.ShouldBe(0, restored.Error);

        (await Databases.PostgresScalarAsync(target, Contents)).ShouldBe("""researcher:{"messages":2}|Ada prefers short answers.""");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(backup, "manifest.json")))!;
        manifest["data"]!.GetValue<string>().ShouldBe("agents");
        manifest["files"]!.AsArray().ShouldHaveSingleItem()!["name"]!.GetValue<string>().ShouldBe("agentsdb.dump");
    }

    [Fact]
    public async Task Sqlite_TimestampedBackupThenRestoreIntoANewFile_GivesBackSessionsAndMemories()
    {
        var source = Path.Combine(_root, "nexus-agents.db");
        await Databases.ExecuteSqliteAsync(source, Tables);
        var backups = Path.Combine(_root, "backups");

        var dumped = await CliRun.RunAsync("backup", backups, "--data", "agents", "--sqlite", source, "--timestamped");
        dumped.ExitCode.ShouldBe(0, dumped.Error);
        var backup = Directory.GetDirectories(backups).ShouldHaveSingleItem();
        Path.GetFileName(backup).ShouldMatch(@"^\d{8}T\d{6}Z$");
        var target = Path.Combine(_root, "restored.db");
        var restored = await CliRun.RunAsync("restore", backup, "--data", "agents", "--sqlite", target);
        restored.ExitCode.ShouldBe(0, restored.Error);

        (await Databases.SqliteScalarAsync(target, Contents)).ShouldBe("""researcher:{"messages":2}|Ada prefers short answers.""");
        File.Exists(Path.Combine(backup, "nexus-agents.db")).ShouldBeTrue();
    }

    [Fact]
    public async Task Restore_AgentsBackupAsTheGatewaysData_IsRefused()
    {
        var source = Path.Combine(_root, "nexus-agents.db");
        await Databases.ExecuteSqliteAsync(source, Tables);
        var backup = Path.Combine(_root, "backup");
        (await CliRun.RunAsync("backup", backup, "--data", "agents", "--sqlite", source)).ExitCode.ShouldBe(0);

        var restored = await CliRun.RunAsync("restore", backup, "--sqlite", Path.Combine(_root, "nexus-gateway.db"));

        restored.ExitCode.ShouldBe(1);
        restored.Error.ShouldContain("the backup holds the agents data");
        File.Exists(Path.Combine(_root, "nexus-gateway.db")).ShouldBeFalse();
    }

    [Fact]
    public void Arguments_AgentsData_ReadTheAgentsOwnSettings()
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__nexusdb"] = "Host=gateway-db;Database=nexusdb",
            ["ConnectionStrings__agentsdb"] = "Host=agents-db;Database=agentsdb",
            ["Agents__SqlitePath"] = "/data/agents.db",
        };

        CliArguments.TryParse(["backup", "/backups", "--data", "agents"], environment.GetValueOrDefault, out var agents, out _).ShouldBeTrue();
        agents.Postgres.ShouldBe("Host=agents-db;Database=agentsdb");
        CliArguments.TryParse(["backup", "/backups"], environment.GetValueOrDefault, out var gateway, out _).ShouldBeTrue();
        gateway.Postgres.ShouldBe("Host=gateway-db;Database=nexusdb");
        environment.Remove("ConnectionStrings__agentsdb");
        CliArguments.TryParse(["restore", "/backups", "--data", "agents"], environment.GetValueOrDefault, out var embedded, out _).ShouldBeTrue();
        embedded.Postgres.ShouldBeNull();
        embedded.Sqlite.ShouldBe("/data/agents.db");
        CliArguments.TryParse(["backup", "/backups", "--data", "ui"], environment.GetValueOrDefault, out _, out var problem).ShouldBeFalse();
        problem.ShouldContain("gateway or agents");
    }
}
