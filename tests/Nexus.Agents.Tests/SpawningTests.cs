using Nexus.Agents.Runtime;

namespace Nexus.Agents.Tests;

public sealed class SpawningTests
{
    [Fact]
    public async Task Spawn_ThreeLevels_EachChildDrawsOnWhatItsParentHasLeft()
    {
        var model = new ScriptedChatClient()
            .ThenCall("agent__middle", new { query = "ask the leaf" })
            .ThenCall("agent__leaf", new { query = "answer" })
            .ThenText("leaf answer")
            .ThenText("middle answer")
            .ThenText("root answer");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
        {
            ["root"] = Specs.Agent("root", "agents: [middle]\nbudgets: { tokens: 1000, spawnDepth: 2 }\n"),
            ["middle"] = Specs.Agent("middle", "agents: [leaf]\nbudgets: { tokens: 50000 }\n"),
            ["leaf"] = Specs.Agent("leaf", "budgets: { tokens: 50000 }\n"),
        });

        var run = await RunMechanicsTests.RunAsync(host, "root", "Go.");

        run.State.ShouldBe(RunStates.Completed);
        run.Output.ShouldBe("root answer");
        var started = run.Events.Where(e => e.Type == "subagent" && e.Data.GetProperty("phase").GetString() == "started").ToList();
        started.Select(e => e.Data.GetProperty("agent").GetString()).ShouldBe(["middle", "leaf"]);
        started.Select(e => e.Data.GetProperty("depth").GetInt32()).ShouldBe([1, 2]);
        started.Select(e => e.Data.GetProperty("tokens").GetInt64()).ShouldBe([900, 800]); // 100 tokens a model call, taken from the root's 1000
    }

    [Fact]
    public async Task Spawn_BeyondTheRootsDepth_TheToolIsNotOffered()
    {
        var model = new ScriptedChatClient()
            .ThenCall("agent__middle", new { query = "go deeper" })
            .ThenCall("agent__leaf", new { query = "too deep" })
            .Then((messages, _) => ScriptedChatClient.Text("middle saw: " + messages.Last().Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>().Single().Result))
            .ThenText("root answer");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
        {
            ["root"] = Specs.Agent("root", "agents: [middle]\nbudgets: { spawnDepth: 1 }\n"),
            ["middle"] = Specs.Agent("middle", "agents: [leaf]\n"),
            ["leaf"] = Specs.Agent("leaf"),
        });

        var run = await RunMechanicsTests.RunAsync(host, "root", "Go.");

        run.State.ShouldBe(RunStates.Completed);
        (model.Calls[1].Options?.Tools ?? []).Select(t => t.Name).ShouldNotContain("agent__leaf");
        run.Events.Count(e => e.Type == "subagent" && e.Data.GetProperty("phase").GetString() == "started").ShouldBe(1);
    }
}
