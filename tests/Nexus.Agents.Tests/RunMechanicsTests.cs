using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;

namespace Nexus.Agents.Tests;

/// <summary>Runs with a scripted model: tool calls, denials, loops, budgets, approvals across a restart.</summary>
public sealed class RunMechanicsTests
{
    private static readonly MemoryScope Scope = new("default", "ada", "ws-1");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Run_ToolOutsideTheAllowList_IsDeniedAsAToolResultTheModelReads()
    {
        var model = new ScriptedChatClient().ThenCall("platform__read_usage").ThenText("I may not read usage.");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
        {
            ["limited"] = Specs.Agent("limited", "tools:\n  allow: [\"platform.list_*\"]\n"),
        });

        var run = await RunAsync(host, "limited", "How much did I use?");

        run.State.ShouldBe(RunStates.Completed);
        run.Output.ShouldBe("I may not read usage.");
        var result = model.Calls[1].Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
        result.Result!.ToString()!.ShouldContain("Denied by policy");
        run.Events.ShouldContain(e => e.Type == "policy" && e.Data.GetProperty("decision").GetString() == "Deny");
        model.Calls[0].Options!.Tools!.Select(t => t.Name).ShouldNotContain("platform__read_usage");
    }

    [Fact]
    public async Task Run_IdenticalRepeatedToolCalls_StopsWithAClearReason()
    {
        var model = new ScriptedChatClient();
        for (var i = 0; i < 5; i++) model.ThenCall("platform__list_services");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["looper"] = Specs.Agent("looper", "tools:\n  allow: [\"platform.*\"]\n") });

        var run = await RunAsync(host, "looper", "List the services.");

        run.State.ShouldBe(RunStates.Stopped);
        run.Reason!.ShouldContain("Loop detected");
        run.Reason!.ShouldContain("platform.list_services");
        run.Events.Count(e => e.Type == "tool_call").ShouldBe(2);
    }

    [Fact]
    public async Task Run_TokenBudgetSpent_StopsBeforeTheNextModelCall()
    {
        var model = new ScriptedChatClient { TokensPerCall = 600 }.ThenCall("platform__list_services").ThenCall("platform__list_instances").ThenText("never");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string>
        {
            ["thrifty"] = Specs.Agent("thrifty", "tools:\n  allow: [\"platform.*\"]\nbudgets: { tokens: 1000 }\n"),
        });

        var run = await RunAsync(host, "thrifty", "Look around.");

        run.State.ShouldBe(RunStates.Stopped);
        run.Reason!.ShouldContain("Token budget");
        model.Calls.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Approval_AcrossARestart_ResumesTheRunWithTheRequestedCall()
    {
        var model = new ScriptedChatClient().ThenCall("platform__service_health", new { service = "speech" });
        var specs = new Dictionary<string, string> { ["careful"] = Specs.Agent("careful", "tools:\n  allow: [\"platform.*\"]\n  approve: [\"platform.service_health\"]\n") };
        string root;
        string approvalId;
        string conversation;
        await using (var first = await AgentsHost.StartAsync(new ScriptedClients(model), specs))
        {
            root = first.Root;
            var paused = await RunAsync(first, "careful", "Is speech healthy?");
            paused.State.ShouldBe(RunStates.WaitingForApproval);
            conversation = paused.ConversationId;
            var list = await first.Http.GetFromJsonAsync<JsonObject>("v1/agents/approvals");
            var approval = list!["approvals"]!.AsArray().Single()!;
            approval["tool"]!.GetValue<string>().ShouldBe("platform.service_health");
            approval["arguments"]!["service"]!.GetValue<string>().ShouldBe("speech");
            approvalId = approval["id"]!.GetValue<string>();
        }

        model.Then((messages, _) =>
        {
            var result = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
            return ScriptedChatClient.Text("Health: " + result.Result);
        });
        await using var second = await AgentsHost.StartAsync(new ScriptedClients(model), root: root);
        using var decide = new HttpRequestMessage(HttpMethod.Post, $"v1/agents/approvals/{approvalId}")
        {
            Content = JsonContent.Create(new { approved = true, reason = "fine", by = "grace" }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AgentsHost.AdminKey) },
        };
        var answer = await second.Http.SendAsync(decide);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);

        var run = second.Get<RunRegistry>().All.Single();
        await WaitFinishedAsync(run);
        run.State.ShouldBe(RunStates.Completed);
        run.Output!.ShouldContain("No instance of 'speech' is registered");
        run.ConversationId.ShouldBe(conversation);
        (await second.Http.GetFromJsonAsync<JsonObject>("v1/agents/approvals"))!["approvals"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Approval_Rejected_TheModelIsToldAndTheTranscriptStaysWhole()
    {
        var model = new ScriptedChatClient().ThenCall("platform__list_services").Then((messages, _) =>
        {
            var result = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Single();
            return ScriptedChatClient.Text("Refused: " + result.Result);
        });
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["asker"] = Specs.Agent("asker", "tools:\n  allow: [\"platform.*\"]\n  approve: [\"platform.*\"]\n") });
        var paused = await RunAsync(host, "asker", "List services.");
        var id = paused.PendingApprovals.Single();

        var (decided, resumed) = await host.Get<AgentRunner>().DecideAsync(id, false, "grace", "not now", CancellationToken.None);

        decided.ShouldBeTrue();
        await resumed!.WaitAsync(Timeout);
        paused.State.ShouldBe(RunStates.Completed);
        paused.Output!.ShouldContain("Refused");
        (await host.Get<AgentRunner>().DecideAsync(id, true, "mallory", null, CancellationToken.None)).Decided.ShouldBeFalse();
        var stored = await host.Get<IAgentStore>().LoadSessionAsync(Scope, paused.ConversationId, CancellationToken.None);
        stored!.SessionJson.ShouldContain("List services.");
        stored.SessionJson.ShouldContain("Refused");
    }

    [Fact]
    public async Task Run_MissingScope_IsRefusedBeforeAnyModelCall()
    {
        var model = new ScriptedChatClient();
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["a"] = Specs.Agent("a") });

        var response = await host.Http.PostAsJsonAsync("v1/agents/a/runs", new { input = "hi", user = "ada" });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("workspace");
        model.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task RunsApi_StartThenState_HasTheTranscript()
    {
        var model = new ScriptedChatClient().ThenText("Hello, Ada.");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["greeter"] = Specs.Agent("greeter") });

        var started = await host.Http.PostAsJsonAsync("v1/agents/greeter/runs", new { input = "Hi", user = "ada", workspace = "w" });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var id = (await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        await WaitFinishedAsync(host.Get<RunRegistry>().Find(id)!);
        var view = await host.Http.GetFromJsonAsync<JsonObject>($"v1/agents/runs/{id}");

        view!["state"]!.GetValue<string>().ShouldBe("completed");
        view["output"]!.GetValue<string>().ShouldBe("Hello, Ada.");
        view["transcript"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()).ShouldContain("text");
        var events = await host.Http.GetStringAsync($"v1/agents/runs/{id}/events");
        events.ShouldContain("event: text");
        events.ShouldContain("event: state");
    }

    [Fact]
    public async Task Cancel_DuringAModelCall_EndsTheRunAndKeepsTheSession()
    {
        var model = new ScriptedChatClient().ThenCall("platform__list_services").ThenHang();
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["slow"] = Specs.Agent("slow", "tools:\n  allow: [\"platform.*\"]\n") });
        var (run, completion) = await host.Get<AgentRunner>().StartAsync(new RunRequest("slow", Scope, [new ChatMessage(ChatRole.User, "Take your time.")], null), CancellationToken.None);
        await Nexus.Testing.Eventually.TrueAsync(() => model.Calls.Count == 2, "the second model call to start", Timeout);

        (await host.Http.PostAsync($"v1/agents/runs/{run.Id}/cancel", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await completion.WaitAsync(Timeout);

        run.State.ShouldBe(RunStates.Cancelled);
        var stored = await host.Get<IAgentStore>().LoadSessionAsync(Scope, run.ConversationId, CancellationToken.None);
        stored!.SessionJson.ShouldContain("Take your time.");
    }

    [Fact]
    public async Task RunAgentFunction_WithWait_AnswersWithTheOutput()
    {
        var model = new ScriptedChatClient().ThenText("Done waiting.");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["waiter"] = Specs.Agent("waiter") });

        var response = await host.Http.PostAsJsonAsync("v1/agents/runs", new { agent = "waiter", input = "Go", user = "ada", workspace = "w", wait = true });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["output"]!.GetValue<string>().ShouldBe("Done waiting.");
        var metadata = await host.Http.GetFromJsonAsync<JsonObject>("v1/metadata");
        var function = metadata!["functions"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "run-agent")!;
        function["path"]!.GetValue<string>().ShouldBe("/v1/agents/runs");
        function["inputSchema"]!["properties"]!.AsObject().Select(p => p.Key).ShouldContain("agent");
    }

    internal static async Task<AgentRun> RunAsync(AgentsHost host, string agent, string input, MemoryScope? scope = null)
    {
        var (run, completion) = await host.Get<AgentRunner>().StartAsync(new RunRequest(agent, scope ?? Scope, [new ChatMessage(ChatRole.User, input)], null), CancellationToken.None);
        await completion.WaitAsync(Timeout);
        return run;
    }

    private static Task WaitFinishedAsync(AgentRun run) =>
        Nexus.Testing.Eventually.TrueAsync(() => run.IsFinished, "the run to finish", Timeout);
}
