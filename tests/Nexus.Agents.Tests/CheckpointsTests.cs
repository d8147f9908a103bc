using Microsoft.Extensions.AI;
using Nexus.Agents.Runtime;
using Nexus.Agents.Specs;

namespace Nexus.Agents.Tests;

/// <summary>The Adversary's checkpoints: a verdict in the middle of the run, handed to the primary before it continues.</summary>
public sealed class CheckpointsTests
{
    [Fact]
    public async Task CheckpointAfterANamedTool_TheVerdictReachesThePrimaryBeforeItsNextStep()
    {
        var model = new ScriptedChatClient()
            .ThenCall("platform__list_services")
            // The Adversary at the checkpoint: it wants the answer to cover speech.
            .ThenJson(new { verdict = "revise", findings = new[] { new { where = "service list", why = "speech is missing from the plan" } } })
            .Then((messages, _) => ScriptedChatClient.Text(LastToolResult(messages).Contains("speech is missing from the plan", StringComparison.Ordinal) ? "plan with speech" : "the verdict never arrived"))
            // The review of the result.
            .ThenJson(new { verdict = "approve", findings = Array.Empty<object>() });
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
        {
            ["planner"] = Specs.Agent("planner", "tools:\n  allow: [\"platform.*\"]\nadversary:\n  enabled: true\n  checkpoints: { after: [\"platform.list_*\"] }\n"),
        });

        var run = await RunMechanicsTests.RunAsync(host, "planner", "Plan the rollout.");

        run.State.ShouldBe(RunStates.Completed, run.Reason);
        run.Output.ShouldBe("plan with speech");
        var verdicts = run.Events.Where(e => e.Type == "adversary_verdict").ToList();
        verdicts.Count.ShouldBe(2);
        verdicts[0].Data.GetProperty("checkpoint").GetInt32().ShouldBe(1);
        verdicts[0].Data.GetProperty("tool").GetString().ShouldBe("platform.list_services");
        verdicts[0].Data.GetProperty("approved").GetBoolean().ShouldBeFalse();
        verdicts[1].Data.TryGetProperty("checkpoint", out _).ShouldBeFalse();
        verdicts[1].Data.GetProperty("approved").GetBoolean().ShouldBeTrue();
        model.Remaining.ShouldBe(0);
    }

    [Fact]
    public async Task CheckpointEveryNCalls_CountsOnlyCallsThatWereMade_AndNoVerdictIsNotApproval()
    {
        var model = new ScriptedChatClient()
            .ThenCall("platform__read_usage") // refused by the policy: not a checkpoint, not counted
            .ThenCall("platform__list_services")
            .ThenCall("platform__list_instances")
            .ThenText("I think it is fine.") // the Adversary at the checkpoint, without a verdict
            .Then((messages, _) => ScriptedChatClient.Text(LastToolResult(messages).Contains("no readable verdict", StringComparison.Ordinal) ? "checked again" : "no checkpoint note"))
            .ThenJson(new { verdict = "approve", findings = Array.Empty<object>() });
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
        {
            ["counter"] = Specs.Agent("counter", "tools:\n  allow: [\"platform.list_*\"]\nadversary:\n  enabled: true\n  checkpoints: { everyToolCalls: 2 }\n"),
        });

        var run = await RunMechanicsTests.RunAsync(host, "counter", "Look around.");

        run.State.ShouldBe(RunStates.Completed, run.Reason);
        run.Output.ShouldBe("checked again");
        var checkpoint = run.Events.First(e => e.Type == "adversary_verdict");
        checkpoint.Data.GetProperty("tool").GetString().ShouldBe("platform.list_instances");
        checkpoint.Data.GetProperty("verdict").GetString().ShouldBe("none");
        checkpoint.Data.GetProperty("approved").GetBoolean().ShouldBeFalse();
        checkpoint.Data.GetProperty("reason").GetString()!.ShouldContain("after 2 tool calls");
        model.Remaining.ShouldBe(0);
    }

    [Fact]
    public void Spec_BadCheckpoints_AreAllReportedAtOnceNamingTheirFields()
    {
        var result = SpecParser.Parse(Specs.Agent("bad", "adversary:\n  checkpoints:\n    after: [\"workspace build\"]\n    everyToolCalls: -1\n    whenever: true\n"));

        result.IsValid.ShouldBeFalse();
        result.Errors.ShouldContain(e => e.StartsWith("adversary.checkpoints.after[0]:", StringComparison.Ordinal));
        result.Errors.ShouldContain(e => e.StartsWith("adversary.checkpoints.everyToolCalls:", StringComparison.Ordinal));
        result.Errors.ShouldContain(e => e.StartsWith("adversary.checkpoints.whenever: unknown field", StringComparison.Ordinal));
        result.Errors.ShouldContain(e => e.StartsWith("adversary.checkpoints: needs adversary.enabled", StringComparison.Ordinal));
    }

    [Fact]
    public void Spec_Checkpoints_AreRead()
    {
        var result = SpecParser.Parse(Specs.Agent("good", "adversary:\n  enabled: true\n  checkpoints: { after: [\"workspace.build\", \"workspace.run_tests\"], everyToolCalls: 5 }\n"));

        result.IsValid.ShouldBeTrue(string.Join("; ", result.Errors));
        result.Spec!.Adversary.Checkpoints.After.ShouldBe(["workspace.build", "workspace.run_tests"]);
        result.Spec.Adversary.Checkpoints.EveryToolCalls.ShouldBe(5);
    }

    private static string LastToolResult(IReadOnlyList<ChatMessage> messages) =>
        System.Text.Json.JsonSerializer.Serialize(messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result, AIJsonUtilities.DefaultOptions);
}
