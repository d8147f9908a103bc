using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;

namespace Nexus.Agents.Tests.Workspace;

/// <summary>
/// An agent run that really scaffolds a service with <c>dotnet new nexus-service</c>, builds it with <c>dotnet build</c>
/// and checks the running result with the contract checker, in its workspace, through the policy (the grants let these
/// calls through without a human). Slow (minutes on a loaded machine): one test.
/// </summary>
public sealed class ScaffoldBuildCheckTests
{
    private const string Spec = """
        tools:
          allow: ["workspace.*"]
          grants:
            - tool: workspace.scaffold_service
              arguments: { name: "Acme.*" }
            - tool: workspace.build
              arguments: { project: "Acme.*" }
            - tool: workspace.check_contract
              arguments: { project: "Acme.*" }
        budgets: { wallTimeSeconds: 1800 }

        """;

    [Fact]
    public async Task Agent_ScaffoldsBuildsAndContractChecksAService_InItsOwnWorkspace()
    {
        var model = new ScriptedChatClient()
            .ThenCall("workspace__scaffold_service", new { name = "Acme.Echo" })
            .ThenCall("workspace__build", new { project = "Acme.Echo" })
            .ThenCall("workspace__check_contract", new { project = "Acme.Echo" })
            .ThenText("Acme.Echo is scaffolded, builds and follows the contract.");
        var workspaces = Directory.CreateTempSubdirectory("nexus-agent-workspaces-").FullName;
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["builder"] = Specs.Agent("builder", Spec) }, settings: new Dictionary<string, string?>
        {
            ["Agents:WorkspacesPath"] = workspaces,
            // Nexus.ServiceDefaults is built by this test run already; do not rebuild it under other running tests.
            ["Agents:WorkspaceBuildReferences"] = "false",
        });
        var clock = Stopwatch.StartNew();

        var (run, completion) = await host.Get<AgentRunner>().StartAsync(new RunRequest("builder", new MemoryScope("default", "ada", "ws"), [new ChatMessage(ChatRole.User, "Create Acme.Echo and check it.")], null), CancellationToken.None);
        await completion.WaitAsync(TimeSpan.FromMinutes(30));

        run.State.ShouldBe(RunStates.Completed, run.Reason);
        var scaffold = Result(model, 1);
        var build = Result(model, 2);
        var check = Result(model, 3);
        scaffold.GetProperty("succeeded").GetBoolean().ShouldBeTrue(scaffold.ToString());
        scaffold.GetProperty("files").GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ShouldContain("Acme.Echo/Acme.Echo.csproj");
        build.GetProperty("succeeded").GetBoolean().ShouldBeTrue(build.ToString());
        check.GetProperty("passed").GetBoolean().ShouldBeTrue(check.ToString());
        check.GetProperty("report").GetString()!.ShouldContain("follows the Nexus service contract");
        check.GetProperty("report").GetString()!.ShouldContain("PASS  function analyze-text");

        // The run's folder, and nothing of it in the repository; the policy let the granted calls through.
        Directory.Exists(Path.Combine(workspaces, run.Id, "Acme.Echo")).ShouldBeTrue();
        Directory.Exists(Path.Combine(Nexus.Testing.TestEnvironment.RepositoryRoot(), "Acme.Echo")).ShouldBeFalse();
        run.Events.Where(e => e.Type == "policy" && e.Data.GetProperty("decision").GetString() == "Allow" && e.Data.GetProperty("reason").GetString()!.StartsWith("granted", StringComparison.Ordinal))
            .Select(e => e.Data.GetProperty("tool").GetString()).Distinct().ShouldBe(["workspace.scaffold_service", "workspace.build", "workspace.check_contract"], ignoreOrder: true);
        Console.WriteLine($"scaffold + build + contract check: {clock.Elapsed.TotalSeconds:0} s");
        Directory.Delete(workspaces, recursive: true);
    }

    // The tool result the model was handed before its call number `call` (0-based), as JSON.
    private static JsonElement Result(ScriptedChatClient model, int call)
    {
        var result = model.Calls[call].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result;
        return result switch
        {
            JsonElement { ValueKind: JsonValueKind.String } text => throw new ShouldAssertException($"The tool answered: {text.GetString()}"),
            JsonElement element => element,
            string text => throw new ShouldAssertException($"The tool answered: {text}"),
            _ => JsonSerializer.SerializeToElement(result, AIJsonUtilities.DefaultOptions),
        };
    }
}
