using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;

namespace Nexus.Agents.Tests;

/// <summary>Run records in the store: listed and read after a restart, per tenant, and a resumed run keeps its task.</summary>
public sealed class StoredRunsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Approval_AcrossARestart_TheAdversarySeesTheOriginalTaskAndTheRunIsListedAfterAnotherRestart()
    {
        var model = new ScriptedChatClient().ThenCall("platform__service_health", new { service = "speech" });
        var specs = new Dictionary<string, string>
        {
            ["careful"] = Specs.Agent("careful", "tools:\n  allow: [\"platform.*\"]\n  approve: [\"platform.service_health\"]\nadversary: { enabled: true, rounds: 1 }\n"),
        };
        string root;
        string approvalId;
        string runId;
        await using (var first = await AgentsHost.StartAsync(new ScriptedClients(model), specs))
        {
            root = first.Root;
            var paused = await RunMechanicsTests.RunAsync(first, "careful", "Is speech healthy?");
            paused.State.ShouldBe(RunStates.WaitingForApproval);
            runId = paused.Id;
            approvalId = paused.PendingApprovals.Single();
        }

        model.ThenText("Speech has no instance.").Then((messages, _) => ScriptedChatClient.Text(JsonSerializer.Serialize(
            messages.Any(m => m.Text.Contains("Task:\nIs speech healthy?", StringComparison.Ordinal))
                ? new { verdict = "approve", findings = Array.Empty<object>() }
                : (object)new { verdict = "revise", findings = new[] { new { where = "task", why = "the task was empty" } } }, JsonSerializerOptions.Web)));
        await using (var second = await AgentsHost.StartAsync(new ScriptedClients(model), root: root))
        {
            // Paused before the restart: listed as waiting, and resumable.
            var waiting = await second.Http.GetFromJsonAsync<JsonObject>($"v1/agents/runs/{runId}");
            waiting!["state"]!.GetValue<string>().ShouldBe(RunStates.WaitingForApproval);
            waiting["task"]!.GetValue<string>().ShouldBe("Is speech healthy?");

            using var decide = new HttpRequestMessage(HttpMethod.Post, $"v1/agents/approvals/{approvalId}")
            {
                Content = JsonContent.Create(new { approved = true, by = "grace" }),
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AgentsHost.AdminKey) },
            };
            (await second.Http.SendAsync(decide)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var run = second.Get<RunRegistry>().Find(runId)!;
            await Nexus.Testing.Eventually.TrueAsync(() => run.IsFinished, "the run to finish", Timeout);
            run.State.ShouldBe(RunStates.Completed);
            run.Events.Where(e => e.Type == "adversary_verdict").Select(e => e.Data.GetProperty("approved").GetBoolean()).ShouldBe([true]);
            model.Remaining.ShouldBe(0);
        }

        await using var third = await AgentsHost.StartAsync(new ScriptedClients(model), root: root);
        var list = await third.Http.GetFromJsonAsync<JsonObject>("v1/agents/runs");
        var listed = list!["runs"]!.AsArray().Single()!;
        listed["id"]!.GetValue<string>().ShouldBe(runId);
        listed["state"]!.GetValue<string>().ShouldBe(RunStates.Completed);
        listed["output"]!.GetValue<string>().ShouldBe("Speech has no instance.");
        listed["toolCallsUsed"]!.GetValue<int>().ShouldBe(1);
        listed["endedAt"].ShouldNotBeNull();
        var read = await third.Http.GetFromJsonAsync<JsonObject>($"v1/agents/runs/{runId}");
        var types = read!["transcript"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ToList();
        types.ShouldContain("approval_requested");
        types.ShouldContain("approval_given");
        types.ShouldContain("tool_result");
        types.Last().ShouldBe("state");
    }

    [Fact]
    public async Task StoredRuns_AreOfTheirTenant_PagedNewestFirst_AndOneCutOffWhileRunningIsInterrupted()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()));
        var store = host.Get<IAgentStore>();
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        for (var i = 0; i < 3; i++) await store.SaveRunAsync(Record($"run_{i}", "default", start.AddMinutes(i), RunStates.Completed), CancellationToken.None);
        // A record that says running, of no live run: its process stopped while it ran.
        await store.SaveRunAsync(Record("run_cut", "default", start.AddMinutes(5), RunStates.Running), CancellationToken.None);
        await store.SaveRunAsync(Record("run_other", "acme", start.AddMinutes(6), RunStates.Completed), CancellationToken.None);

        var first = await host.Http.GetFromJsonAsync<JsonObject>("v1/agents/runs?limit=2");
        first!["total"]!.GetValue<int>().ShouldBe(4);
        first["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ShouldBe(["run_cut", "run_2"]);
        first["runs"]![0]!["state"]!.GetValue<string>().ShouldBe(RunStates.Interrupted);
        first["next"]!.GetValue<int>().ShouldBe(2);
        var second = await host.Http.GetFromJsonAsync<JsonObject>("v1/agents/runs?limit=2&offset=2");
        second!["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ShouldBe(["run_1", "run_0"]);
        second["next"].ShouldBeNull();

        (await host.Http.GetAsync("v1/agents/runs/run_other")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await store.FindRunAsync("default", "run_other", CancellationToken.None)).ShouldBeNull();
        using var asAcme = new HttpRequestMessage(HttpMethod.Get, "v1/agents/runs/run_other") { Headers = { { "X-Nexus-Tenant", "acme" } } };
        (await host.Http.SendAsync(asAcme)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var cancel = await host.Http.PostAsync("v1/agents/runs/run_cut/cancel", null);
        cancel.StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    private static StoredRun Record(string id, string tenant, DateTimeOffset at, string state) => new()
    {
        Id = id,
        Scope = new MemoryScope(tenant, "ada", "ws-1"),
        Agent = "a",
        ConversationId = "conv_" + id,
        Task = "task of " + id,
        State = state,
        StartedAt = at,
        UpdatedAt = at,
        Events = [new RunEvent(1, "state", "a", JsonSerializer.SerializeToElement(new { state }), at)],
    };
}
