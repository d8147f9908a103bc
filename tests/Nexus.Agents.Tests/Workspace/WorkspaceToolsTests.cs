using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Nexus.Agents.Policy;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;
using Nexus.Agents.Tools.Workspace;

namespace Nexus.Agents.Tests.Workspace;

/// <summary>The workspace's confinement (no '..', no absolute paths, no symbolic links out) and its tools' policy.</summary>
public sealed class WorkspaceToolsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nexus-ws-").FullName;

    [Theory]
    [InlineData("../other-run/secret.txt")]
    [InlineData("src/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("~/notes.txt")]
    public async Task Paths_OutsideTheRunFolder_AreRefusedAndNothingIsWritten(string path)
    {
        var tools = Tools("run_a");

        var answer = await InvokeAsync(tools, "workspace.write_file", new { path, content = "x" });

        answer.ShouldContain("workspace");
        answer.ShouldNotStartWith("Wrote");
        Directory.GetFiles(_root, "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task SymbolicLink_InsideTheWorkspace_IsNeverFollowedForReadingOrWriting()
    {
        var outside = Directory.CreateTempSubdirectory("nexus-outside-").FullName;
        await File.WriteAllTextAsync(Path.Combine(outside, "secret.txt"), "the admin key");
        var tools = Tools("run_b");
        (await InvokeAsync(tools, "workspace.write_file", new { path = "readme.md", content = "hello" })).ShouldStartWith("Wrote readme.md");
        Directory.CreateSymbolicLink(Path.Combine(_root, "run_b", "link"), outside);

        var read = await InvokeAsync(tools, "workspace.read_file", new { path = "link/secret.txt" });
        var write = await InvokeAsync(tools, "workspace.write_file", new { path = "link/planted.txt", content = "x" });
        var list = await InvokeAsync(tools, "workspace.list_files", new { });

        read.ShouldContain("symbolic link");
        read.ShouldNotContain("the admin key");
        write.ShouldContain("symbolic link");
        File.Exists(Path.Combine(outside, "planted.txt")).ShouldBeFalse();
        list.ShouldContain("readme.md");
        list.ShouldNotContain("secret.txt");
        Directory.Delete(outside, recursive: true);
    }

    [Fact]
    public async Task Runs_HaveSeparateFolders_AndAFileWrittenInOneIsNotReadableFromAnother()
    {
        (await InvokeAsync(Tools("run_c"), "workspace.write_file", new { path = "src/a.txt", content = "only c" })).ShouldStartWith("Wrote src/a.txt");

        (await InvokeAsync(Tools("run_c"), "workspace.read_file", new { path = "src/a.txt" })).ShouldBe("only c");
        (await InvokeAsync(Tools("run_d"), "workspace.read_file", new { path = "src/a.txt" })).ShouldContain("is not a file");
        (await InvokeAsync(Tools("run_d"), "workspace.read_file", new { path = "../run_c/src/a.txt" })).ShouldContain("leaves the workspace");
    }

    [Fact]
    public void Policy_ReadingIsAllowed_WritingBuildingAndRunningNeedApprovalUnlessGranted()
    {
        var tools = Tools("run_e").ToDictionary(t => t.Name);
        var rules = new ToolRules
        {
            Allow = ["workspace.*"],
            Grants = [new ToolGrant { Tool = "workspace.build", Arguments = new() { ["project"] = "Acme.*" } }],
        };

        PolicyEngine.Decide(rules, tools["workspace.read_file"], null).Outcome.ShouldBe(PolicyOutcome.Allow);
        PolicyEngine.Decide(rules, tools["workspace.list_files"], null).Outcome.ShouldBe(PolicyOutcome.Allow);
        foreach (var name in new[] { "workspace.write_file", "workspace.scaffold_service", "workspace.build", "workspace.run_tests", "workspace.check_contract" })
        {
            PolicyEngine.Decide(rules, tools[name], null).Outcome.ShouldBe(PolicyOutcome.NeedsApproval, name);
        }

        PolicyEngine.Decide(rules, tools["workspace.build"], Args(new { project = "Acme.Echo" })).Outcome.ShouldBe(PolicyOutcome.Allow);
        PolicyEngine.Decide(rules, tools["workspace.build"], Args(new { project = "Other" })).Outcome.ShouldBe(PolicyOutcome.NeedsApproval);
        PolicyEngine.Decide(rules, tools["workspace.run_tests"], Args(new { project = "Acme.Echo" })).Outcome.ShouldBe(PolicyOutcome.NeedsApproval);
    }

    [Fact]
    public async Task Scaffold_ABadNameOrKind_IsRefusedBeforeAnyCommandRuns()
    {
        var tools = Tools("run_f");

        (await InvokeAsync(tools, "workspace.scaffold_service", new { name = "acme; rm -rf /" })).ShouldContain("is not a .NET project name");
        (await InvokeAsync(tools, "workspace.scaffold_service", new { name = "Acme.Echo", kind = "ui" })).ShouldContain("kind 'ui' is not one of");
        Directory.Exists(Path.Combine(_root, ".template-hive")).ShouldBeFalse();
    }

    [Fact]
    public async Task Command_PastItsTimeout_IsKilledAndSaysSo()
    {
        using var processes = new WorkspaceProcesses();

        var result = await processes.RunAsync("sleep", ["30"], _root, TimeSpan.FromSeconds(1), 1000, CancellationToken.None);

        result.TimedOut.ShouldBeTrue();
        result.Succeeded.ShouldBeFalse();
        result.Output.ShouldContain("killed: no exit within 1 s");
    }

    [Fact]
    public async Task Command_WhenTheRunIsCancelled_IsKilledAndTheCancelPropagates()
    {
        using var processes = new WorkspaceProcesses();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Should.ThrowAsync<OperationCanceledException>(() => processes.RunAsync("sleep", ["30"], _root, TimeSpan.FromMinutes(1), 1000, cancel.Token));
    }

    [Fact]
    public async Task Command_SeesNoneOfTheServiceSettings_AndItsLongOutputIsCut()
    {
        using var processes = new WorkspaceProcesses();
        Environment.SetEnvironmentVariable("Agents__AdminKey", "must-not-leak");
        try
        {
            var env = await processes.RunAsync("sh", ["-c", "env; seq 1 5000"], _root, TimeSpan.FromSeconds(30), 2000, CancellationToken.None);

            env.Succeeded.ShouldBeTrue();
            env.Output.ShouldNotContain("must-not-leak");
            env.Output.ShouldContain("characters cut");
            env.Output.ShouldContain("5000");
            env.Output.Length.ShouldBeLessThan(2100);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Agents__AdminKey", null);
        }
    }

    [Fact]
    public void Options_AWorkspaceRootInsideTheRepository_IsRefusedAtStart()
    {
        var inside = new WorkspaceOptions { WorkspacesPath = Path.Combine(Nexus.Testing.TestEnvironment.RepositoryRoot(), "agent-workspaces") };

        var result = new WorkspaceOptionsValidator().Validate(null, inside);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("outside the repository");
        new WorkspaceOptionsValidator().Validate(null, new WorkspaceOptions { WorkspacesPath = _root }).Succeeded.ShouldBeTrue();
    }

    private List<BusTool> Tools(string runId)
    {
        var options = Options.Create(new WorkspaceOptions { WorkspacesPath = _root, WorkspaceCommandSeconds = 60 });
        var processes = new WorkspaceProcesses();
        return [.. new WorkspaceTools(options, processes, new TemplateHive(options, processes), new ContractCheckRunner()).Create(runId)];
    }

    private static async Task<string> InvokeAsync(IEnumerable<BusTool> tools, string name, object arguments)
    {
        var tool = tools.Single(t => t.Name == name);
        var result = await tool.Function.InvokeAsync(new AIFunctionArguments(Args(arguments)));
        return result switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
            _ => JsonSerializer.Serialize(result, AIJsonUtilities.DefaultOptions),
        };
    }

    private static Dictionary<string, object?> Args(object arguments) =>
        JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(arguments))!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
