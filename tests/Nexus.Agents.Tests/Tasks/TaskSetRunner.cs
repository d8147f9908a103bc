using System.ClientModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;
using Nexus.Agents.Tools.Workspace;
using OpenAI;

namespace Nexus.Agents.Tests.Tasks;

/// <summary>How one task went under one condition.</summary>
internal sealed record TaskOutcome(string Task, string Condition, string Model, bool Passed, int ModelCalls, int Allowed, string State, string Verdicts);

/// <summary>
/// Runs the task set through the real runtime: the primary alone, and the primary with an Adversary that holds the tests
/// (<c>workspace.run_tests</c> is the Adversary's tool, not the primary's: verifier-first), with the same allowance of model
/// calls. Each run's workspace is seeded with the task's files; afterwards the task's tests are run on what the agent left
/// there, and that decides "passed". The scripted model is deterministic: the primary makes the task's known mistake and
/// fixes it only when a finding quotes a failing test; the scripted Adversary runs the tests and reports what failed. With
/// AGENTS_TASKS_MODEL, AGENTS_TASKS_GATEWAY_URL and AGENTS_TASKS_API_KEY set, a real model plays both parts.
/// </summary>
internal static class TaskSetRunner
{
    public const int AllowedCalls = 8;
    private static readonly MemoryScope Scope = new("default", "bench", "tasks");

    public static string Spec(string model, bool adversary, bool scripted) => $$"""
        name: coder
        description: Writes small C# solutions in its workspace.
        instructions: >-
          You solve coding tasks in your workspace with the workspace tools: read the task's files, write the solution
          file the task names with workspace.write_file, and answer with a short summary of what you wrote.
        model: {{model}}
        tools:
          allow: ["workspace.read_file", "workspace.write_file", "workspace.list_files"]
          grants:
            - tool: workspace.write_file
              arguments: { path: "{{CodingTask.SolutionPath}}" }
            - tool: workspace.run_tests
              arguments: { project: "{{CodingTask.TestProject}}" }
        budgets: { tokens: {{(scripted ? AllowedCalls * 100 : 400_000)}}, toolCalls: 30, wallTimeSeconds: 1800 }
        adversary: { enabled: {{(adversary ? "true" : "false")}}, rounds: 2, tools: ["workspace.run_tests", "workspace.read_file"] }

        """;

    /// <summary>The real model's settings, when all three are set.</summary>
    public static (string Model, string Url, string Key)? RealModel() =>
        Environment.GetEnvironmentVariable("AGENTS_TASKS_MODEL") is { Length: > 0 } model
        && Environment.GetEnvironmentVariable("AGENTS_TASKS_GATEWAY_URL") is { Length: > 0 } url
        && Environment.GetEnvironmentVariable("AGENTS_TASKS_API_KEY") is { Length: > 0 } key
            ? (model, url, key)
            : null;

    public static async Task<TaskOutcome> RunAsync(CodingTask task, bool adversary, (string Model, string Url, string Key)? real = null)
    {
        var seeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ScriptedChatClient? script = null;
        IChatClient chat;
        if (real is { } r)
        {
            chat = new OpenAIClient(new ApiKeyCredential(r.Key), new OpenAIClientOptions { Endpoint = new Uri(r.Url.TrimEnd('/') + "/v1") }).GetChatClient(r.Model).AsIChatClient();
        }
        else
        {
            script = adversary ? WithAdversary(task) : Alone(task);
            chat = script;
        }

        var counted = new CountingChatClient(chat, seeded.Task, AllowedCalls);
        var workspaces = Directory.CreateTempSubdirectory("nexus-agent-tasks-").FullName;
        try
        {
            await using var host = await AgentsHost.StartAsync(new SingleClient(counted), new Dictionary<string, string> { ["coder"] = Spec(real?.Model ?? "scripted", adversary, real is null) }, settings: new Dictionary<string, string?>
            {
                ["Agents:WorkspacesPath"] = workspaces,
            });
            var (run, completion) = await host.Get<AgentRunner>().StartAsync(new RunRequest("coder", Scope, [new ChatMessage(ChatRole.User, task.Prompt)], null), CancellationToken.None);
            var workspace = Path.Combine(workspaces, run.Id);
            task.Seed(workspace);
            seeded.SetResult();
            await completion.WaitAsync(TimeSpan.FromMinutes(30));

            var score = await ScoreAsync(workspace);
            var verdicts = string.Join(" ", run.Events.Where(e => e.Type == "adversary_verdict" && e.Agent == "adversary").Select(e => e.Data.GetProperty("verdict").GetString()));
            return new TaskOutcome(task.Id, adversary ? "primary + Adversary" : "primary alone", real?.Model ?? "scripted", score, counted.Calls, AllowedCalls, run.State, verdicts.Length == 0 ? "-" : verdicts);
        }
        finally
        {
            try
            {
                Directory.Delete(workspaces, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>The task's own tests on what the agent left in its workspace.</summary>
    private static async Task<bool> ScoreAsync(string workspace)
    {
        if (!File.Exists(Path.Combine(workspace, CodingTask.SolutionPath))) return false;
        using var processes = new WorkspaceProcesses();
        var result = await processes.RunAsync("dotnet", ["test", Path.Combine(workspace, CodingTask.TestProject), "--disable-build-servers", "-nologo", "-v:minimal"], workspace, TimeSpan.FromMinutes(10), 4000, CancellationToken.None);
        return result.Succeeded;
    }

    // The primary alone: writes its first answer (the known mistake), reads it back to check it, and is sure of it. It has
    // the same allowance of calls but nothing tells it that anything is wrong.
    private static ScriptedChatClient Alone(CodingTask task) => new ScriptedChatClient()
        .ThenCall("workspace__write_file", new { path = CodingTask.SolutionPath, content = task.Mistake })
        .ThenCall("workspace__read_file", new { path = CodingTask.SolutionPath })
        .ThenText($"I wrote {CodingTask.SolutionPath} and read it back: it implements the task.");

    private static ScriptedChatClient WithAdversary(CodingTask task) => new ScriptedChatClient()
        .ThenCall("workspace__write_file", new { path = CodingTask.SolutionPath, content = task.Mistake })
        .ThenText($"I wrote {CodingTask.SolutionPath}.")
        .ThenCall("workspace__run_tests", new { project = CodingTask.TestProject })
        .Then((messages, _) => AdversaryVerdict(messages))
        .Then((messages, _) => ScriptedChatClient.Call("workspace__write_file", new
        {
            path = CodingTask.SolutionPath,
            // It revises only on evidence: a finding that quotes a failing test.
            content = messages.Last().Text.Contains("Failed", StringComparison.Ordinal) ? task.Fix : task.Mistake,
        }))
        .ThenText($"I revised {CodingTask.SolutionPath} for the failing tests.")
        .ThenCall("workspace__run_tests", new { project = CodingTask.TestProject })
        .Then((messages, _) => AdversaryVerdict(messages));

    // The scripted Adversary's verdict is computed from the real test run it just made: approve when the tests pass, else
    // revise with the failing tests' lines as findings.
    private static ChatResponse AdversaryVerdict(IReadOnlyList<ChatMessage> messages)
    {
        var result = JsonSerializer.SerializeToElement(messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result, AIJsonUtilities.DefaultOptions);
        if (result.ValueKind == JsonValueKind.String) result = JsonDocument.Parse(result.GetString()!).RootElement;
        if (result.GetProperty("succeeded").GetBoolean()) return ScriptedChatClient.Text(JsonSerializer.Serialize(new { verdict = "approve", findings = Array.Empty<object>() }, JsonSerializerOptions.Web));
        var failures = result.GetProperty("output").GetString()!.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Failed ", StringComparison.Ordinal) || l.StartsWith("error", StringComparison.OrdinalIgnoreCase)).Take(5).ToList();
        var findings = (failures.Count == 0 ? ["the test run failed"] : failures).Select(f => new { where = CodingTask.SolutionPath, why = f });
        return ScriptedChatClient.Text(JsonSerializer.Serialize(new { verdict = "revise", findings }, JsonSerializerOptions.Web));
    }

    /// <summary>Markdown, one row per task and condition, then the totals.</summary>
    public static string Table(IReadOnlyList<TaskOutcome> outcomes)
    {
        var lines = new List<string>
        {
            "| task | condition | model | tests pass | model calls (allowed) | Adversary verdicts | run |",
            "|---|---|---|---|---|---|---|",
        };
        lines.AddRange(outcomes.Select(o => $"| {o.Task} | {o.Condition} | {o.Model} | {(o.Passed ? "yes" : "no")} | {o.ModelCalls} ({o.Allowed}) | {o.Verdicts} | {o.State} |"));
        foreach (var group in outcomes.GroupBy(o => (o.Condition, o.Model)))
        {
            lines.Add($"| **all** | {group.Key.Condition} | {group.Key.Model} | {group.Count(o => o.Passed)}/{group.Count()} | {group.Sum(o => o.ModelCalls)} ({group.Sum(o => o.Allowed)}) | | |");
        }

        return string.Join("\n", lines);
    }

    private sealed class SingleClient(IChatClient chat) : IAgentChatClients
    {
        public IChatClient CreateChatClient(string model, string apiKey) => chat;

        public IEmbeddingGenerator<string, Embedding<float>> CreateEmbeddings(string model, string apiKey) =>
            throw new InvalidOperationException("The task set uses no embeddings.");
    }

    /// <summary>Waits until the workspace is seeded, counts the model calls, and refuses any past the allowance.</summary>
    private sealed class CountingChatClient(IChatClient inner, Task seeded, int allowed) : DelegatingChatClient(inner)
    {
        private int _calls;

        public int Calls => _calls;

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await seeded.WaitAsync(cancellationToken);
            if (Interlocked.Increment(ref _calls) > allowed) throw new InvalidOperationException($"The task's allowance of {allowed} model calls is spent.");
            return await base.GetResponseAsync(messages, options, cancellationToken);
        }
    }
}
