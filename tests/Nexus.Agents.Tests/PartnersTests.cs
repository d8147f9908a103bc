using Microsoft.Extensions.AI;
using Nexus.Agents.Runtime;

namespace Nexus.Agents.Tests;

/// <summary>The Adversary's rounds and the runtime's last-draft verdict; the Supplicant's guarantees.</summary>
public sealed class PartnersTests
{
    [Fact]
    public async Task Adversary_ReviseThenApprove_ThePrimaryRevisesAndTheApprovedDraftIsTheOutput()
    {
        var model = new ScriptedChatClient()
            .ThenText("draft 1")
            .ThenJson(new { verdict = "revise", findings = new[] { new { where = "line 1", why = "the test fails: expected 4" } } })
            .Then((messages, _) => ScriptedChatClient.Text(messages.Last().Text.Contains("expected 4", StringComparison.Ordinal) ? "draft 2" : "ignored the findings"))
            .ThenJson(new { verdict = "approve", findings = Array.Empty<object>() });
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["coder"] = Specs.Agent("coder", "adversary: { enabled: true, rounds: 3 }\n") });

        var run = await RunMechanicsTests.RunAsync(host, "coder", "Add 2 and 2.");

        run.State.ShouldBe(RunStates.Completed);
        run.Output.ShouldBe("draft 2");
        var verdicts = run.Events.Where(e => e.Type == "adversary_verdict").ToList();
        verdicts.Select(v => v.Data.GetProperty("approved").GetBoolean()).ShouldBe([false, true]);
        verdicts[0].Data.GetProperty("findings")[0].GetProperty("why").GetString()!.ShouldContain("expected 4");
        model.Remaining.ShouldBe(0);
    }

    [Fact]
    public async Task Adversary_NoVerdictOnTheLastDraft_IsNotApprovedAndRoundsAreBounded()
    {
        var model = new ScriptedChatClient()
            .ThenText("draft 1")
            .ThenJson(new { verdict = "revise", findings = new[] { new { where = "all", why = "wrong" } } })
            .ThenText("draft 2")
            .ThenText("Looks fine to me!"); // not a verdict
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["coder"] = Specs.Agent("coder", "adversary: { enabled: true, rounds: 2 }\n") });

        var run = await RunMechanicsTests.RunAsync(host, "coder", "Do it.");

        run.Output.ShouldBe("draft 2");
        var last = run.Events.Last(e => e.Type == "adversary_verdict");
        last.Agent.ShouldBe("runtime");
        last.Data.GetProperty("approved").GetBoolean().ShouldBeFalse();
        last.Data.GetProperty("reason").GetString()!.ShouldContain("no verdict");
        model.Remaining.ShouldBe(0);
        model.Calls.Count.ShouldBe(4);
    }

    [Fact]
    public async Task Supplicant_EveryForbiddenActionAttempted_EveryOneRefused()
    {
        var model = new ScriptedChatClient()
            .ThenText("The plan: delete the old data.")
            // The Supplicant tries a tool, then an approval and a veto, then a note of each allowed kind.
            .ThenCall("platform__list_services")
            .Then((messages, _) => new ChatResponse(new ChatMessage(ChatRole.Assistant,
            [
                new TextContent(System.Text.Json.JsonSerializer.Serialize(new
                {
                    notes = new object[]
                    {
                        new { kind = "approve", text = "I approve the deletion." },
                        new { kind = "veto", text = "Stop the run." },
                        new { kind = "question", text = "Can users undo this?" },
                        new { kind = "request", text = "Keep a backup." },
                    },
                    approved = true,
                    endRun = true,
                }, System.Text.Json.JsonSerializerOptions.Web)),
            ])))
            .Then((messages, _) => ScriptedChatClient.Text(messages.Last().Text.Contains("1. (question) Can users undo this?", StringComparison.Ordinal) && messages.Last().Text.Contains("2. (request) Keep a backup.", StringComparison.Ordinal)
                ? "1. Yes, from the backup. 2. A backup is kept. Revised plan: back up, then delete."
                : "the notes were not handed over"));
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
        {
            ["planner"] = Specs.Agent("planner", "tools:\n  allow: [\"platform.*\"]\nsupplicant: { enabled: true }\n"),
        });

        var run = await RunMechanicsTests.RunAsync(host, "planner", "Clean up.");

        run.State.ShouldBe(RunStates.Completed);
        run.Output!.ShouldStartWith("1. Yes, from the backup.");
        var supplicantCall = model.Calls[1];
        (supplicantCall.Options?.Tools ?? []).ShouldBeEmpty();
        var refusal = run.Events.Single(e => e.Type == "policy");
        refusal.Data.GetProperty("tool").GetString().ShouldBe("platform.list_services");
        refusal.Data.GetProperty("reason").GetString().ShouldBe(Nexus.Agents.Runtime.AgentAssembly.SupplicantRefusal);
        run.Events.ShouldNotContain(e => e.Type == "tool_call");
        var notes = run.Events.Single(e => e.Type == "supplicant_notes").Data.GetProperty("notes");
        notes.EnumerateArray().Select(n => n.GetProperty("kind").GetString()).ShouldBe(["question", "request"]);
        typeof(Nexus.Agents.Partners.SupplicantNotes).GetProperties().Select(p => p.Name).ShouldBe(["Notes"]);
        typeof(Nexus.Agents.Partners.SupplicantNote).GetProperties().Select(p => p.Name).ShouldBe(["Kind", "Text"], ignoreOrder: true);
    }
}
