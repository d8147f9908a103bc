using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;
using Nexus.Agents.Tools.Workspace;

namespace Nexus.Agents.Tests.Workspace;

/// <summary>Old run workspaces are removed, and over the cap the least recently touched; an active run's never, nor the template hive.</summary>
public sealed class WorkspaceRetentionTests
{
    [Fact]
    public async Task Sweep_RemovesExpiredAndOverCapWorkspaces_NeverOneOfARunWaitingForApproval()
    {
        var root = Directory.CreateTempSubdirectory("nexus-ws-retention-").FullName;
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()), settings: new Dictionary<string, string?>
        {
            ["Agents:WorkspacesPath"] = root,
            ["Agents:Workspaces:Retention"] = "7.00:00:00",
            ["Agents:Workspaces:MaxCount"] = "2",
        });
        var now = DateTime.UtcNow;
        void Folder(string name, TimeSpan age)
        {
            var path = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
            File.WriteAllText(Path.Combine(path, "Program.cs"), "// work");
            Directory.SetLastWriteTimeUtc(path, now - age);
        }

        Folder("run_old", TimeSpan.FromDays(8));
        Folder("run_waiting", TimeSpan.FromDays(30));
        Folder("run_new1", TimeSpan.FromHours(1));
        Folder("run_new2", TimeSpan.FromHours(2));
        Folder("run_new3", TimeSpan.FromHours(3));
        Folder(".template-hive", TimeSpan.FromDays(60)); // the workspace tools' template, installed once per process
        var at = DateTimeOffset.UtcNow;
        await host.Get<IAgentStore>().SaveRunAsync(new StoredRun
        {
            Id = "run_waiting", Scope = new MemoryScope("default", "ada", "ws-1"), Agent = "a", ConversationId = "c", Task = "t",
            State = RunStates.WaitingForApproval, StartedAt = at, UpdatedAt = at,
        }, CancellationToken.None);

        var removed = await host.Get<WorkspaceRetention>().SweepAsync(CancellationToken.None);

        removed.Order().ShouldBe(["run_new3", "run_old"]);
        Directory.GetDirectories(root).Select(Path.GetFileName).Order().ShouldBe([".template-hive", "run_new1", "run_new2", "run_waiting"]);
    }
}
