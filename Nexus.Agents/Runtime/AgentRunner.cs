using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Nexus.Agents.Memory;
using Nexus.Agents.Partners;
using Nexus.Agents.Policy;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;

namespace Nexus.Agents.Runtime;

/// <summary>A request to run an agent.</summary>
public sealed record RunRequest(string Agent, MemoryScope Scope, IReadOnlyList<ChatMessage> Messages, string? ConversationId);

/// <summary>Thrown for a run request that cannot start (unknown agent, a conversation of another agent).</summary>
public sealed class RunRequestException(string message) : Exception(message);

/// <summary>
/// Runs agents: the primary's turn, the approvals it waits for, the Supplicant's notes and the Adversary's rounds. The
/// session is saved in <c>finally</c>, so an error, a cancel or a pause loses nothing of the transcript.
/// </summary>
internal sealed partial class AgentRunner(
    SpecCatalog catalog,
    AgentAssembly assembly,
    Partnership partners,
    Checkpoints checkpoints,
    IAgentStore store,
    RunRegistry runs,
    TimeProvider time,
    ILogger<AgentRunner> logger)
{
    /// <summary>Starts a run in the background; the scope is checked before anything else (fail closed).</summary>
    public async Task<(AgentRun Run, Task Completion)> StartAsync(RunRequest request, CancellationToken cancellationToken)
    {
        request.Scope.Require();
        var spec = catalog.Find(request.Agent) ?? throw new RunRequestException($"There is no agent '{request.Agent}'.");
        if (request.Messages.Count == 0) throw new RunRequestException("A run needs at least one message.");
        var conversationId = request.ConversationId ?? NewId("conv");
        StoredSession? stored = null;
        if (request.ConversationId is not null)
        {
            stored = await store.LoadSessionAsync(request.Scope, conversationId, cancellationToken);
            if (stored is not null && stored.Agent != spec.Name) throw new RunRequestException($"The conversation '{conversationId}' belongs to the agent '{stored.Agent}'.");
        }

        var task = string.Join("\n", request.Messages.Where(m => m.Role == ChatRole.User).Select(m => m.Text));
        var run = new AgentRun(NewId("run"), spec.Name, request.Scope, conversationId, task, time);
        runs.Add(run);
        run.Emit("state", spec.Name, new { state = RunStates.Running, conversationId });
        await PersistAsync(run);
        var completion = Task.Run(() => ExecuteAsync(run, spec, request.Messages, stored, resume: null), CancellationToken.None);
        return (run, completion);
    }

    /// <summary>
    /// Records a human's decision. When it was the last pending request of its run, the run resumes (in this process or
    /// after a restart) with the framework's responses, created from the stored requests so the arguments are the
    /// requested ones.
    /// </summary>
    public async Task<(bool Decided, Task? Resumed)> DecideAsync(string approvalId, bool approved, string decidedBy, string? reason, CancellationToken cancellationToken)
    {
        var record = await store.FindApprovalAsync(approvalId, cancellationToken);
        if (record is null || !await store.DecideAsync(approvalId, approved, decidedBy, reason, cancellationToken)) return (false, null);
        var run = runs.Find(record.RunId);
        var storedRun = run is null ? await store.FindRunAsync(record.Scope.Tenant!, record.RunId, cancellationToken) : null;
        run?.Emit("approval_given", record.Agent, new { approval = approvalId, tool = record.Tool, approved, by = decidedBy, reason });
        var decided = await store.TakeDecidedAsync(record.RunId, cancellationToken);
        if (decided is null) return (true, null);
        // Cancelled while it waited (in this process or before a restart): the decision is recorded, nothing resumes.
        if ((run?.State ?? storedRun?.State) == RunStates.Cancelled) return (true, null);

        var spec = catalog.Find(record.Agent);
        var stored = await store.LoadSessionAsync(record.Scope, record.ConversationId, cancellationToken);
        if (spec is null || stored is null)
        {
            if (run is not null)
            {
                run.SetState(RunStates.Failed, spec is null ? $"The agent '{record.Agent}' no longer exists." : "The run's session is gone.");
                await PersistAsync(run);
            }

            return (true, null);
        }

        if (run is null)
        {
            // The service restarted while the run waited: it continues under its id, from its stored session and record
            // (a run stored before run records were kept has none, and so no task for its partners).
            run = storedRun is null ? new AgentRun(record.RunId, spec.Name, record.Scope, record.ConversationId, "", time) : AgentRun.Restore(storedRun, time);
            runs.Add(run);
            run.Emit("approval_given", record.Agent, new { approval = approvalId, tool = record.Tool, approved, by = decidedBy, reason });
        }

        run.Resume();
        var responses = decided.Select(ResponseOf).ToList();
        return (true, Task.Run(() => ExecuteAsync(run, spec, [], stored, responses), CancellationToken.None));
    }

    private static AIContent ResponseOf(ApprovalRecord record)
    {
        var request = (ToolApprovalRequestContent)JsonSerializer.Deserialize<AIContent>(record.RequestJson, AIJsonUtilities.DefaultOptions)!;
        var response = request.CreateResponse(record.Status == "approved", record.DecisionReason);
        return response;
    }

    private async Task ExecuteAsync(AgentRun run, AgentSpec spec, IReadOnlyList<ChatMessage> input, StoredSession? stored, IReadOnlyList<AIContent>? resume)
    {
        var budget = RunBudget.Root(spec.Budgets, time.GetUtcNow());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(run.Cancellation);
        deadline.CancelAfter(TimeSpan.FromSeconds(spec.Budgets.WallTimeSeconds));
        var cancellationToken = deadline.Token;
        // A resumed run has no new input: its checkpoints review against the task it started with.
        var primary = checkpoints.Watch(assembly.Build(spec, AgentRole.Primary, run, new BudgetSlot(budget), spec.Budgets.SpawnDepth), spec, run, budget, input.Count > 0 ? input : [new ChatMessage(ChatRole.User, run.Task)]);
        AgentSession? session = null;
        try
        {
            session = stored is null
                ? await primary.Agent.CreateSessionAsync(cancellationToken)
                : await primary.Agent.DeserializeSessionAsync(JsonDocument.Parse(stored.SessionJson).RootElement, AIJsonUtilities.DefaultOptions, cancellationToken);
            var turn = resume is null ? input : [new ChatMessage(ChatRole.User, [.. resume])];
            var response = await TurnAsync(run, spec.Name, primary, session, turn, cancellationToken);
            while (true)
            {
                ThrowIfStopped(run);
                var requests = response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().ToList();
                if (requests.Count == 0) break;
                var decided = await SettleAsync(run, spec, primary, requests, cancellationToken);
                if (decided is null) return; // paused for a human; the finally saves the session
                response = await TurnAsync(run, spec.Name, primary, session, [new ChatMessage(ChatRole.User, [.. decided])], cancellationToken);
            }

            var draft = await partners.ConsultAsync(run, spec, primary, session, run.Task, response.Text, budget, cancellationToken);
            run.Output = draft;
            run.SetState(RunStates.Completed);
        }
        catch (RunStoppedException ex)
        {
            run.SetState(RunStates.Stopped, ex.Message);
        }
        catch (OperationCanceledException) when (run.Cancellation.IsCancellationRequested)
        {
            run.SetState(RunStates.Cancelled, "Cancelled by the user.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            run.SetState(RunStates.Stopped, $"Wall-time budget of {spec.Budgets.WallTimeSeconds} s spent.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogFailed(logger, run.Id, spec.Name, ex);
            run.SetState(RunStates.Failed, $"The run failed: {ex.Message}");
        }
        finally
        {
            if (session is not null) await SaveAsync(run, primary, session);
            run.AddUse(budget.TokensUsed, budget.ToolCallsUsed);
            await PersistAsync(run);
        }
    }

    /// <summary>
    /// One turn of the primary. The framework's history keeps a turn only when it succeeds; when it throws (cancel, a spent
    /// budget, an error) the turn's messages and the reason are written into the session's history here, so the saved
    /// session still shows what was asked and why it ended. The model's text is streamed: each delta is a <c>text</c> event
    /// as it arrives (the framework's <c>RunStreamingAsync</c>), so a client following the run reads it while it is written.
    /// </summary>
    private static async Task<AgentResponse> TurnAsync(AgentRun run, string agent, AgentBinding primary, AgentSession session, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        try
        {
            var updates = new List<AgentResponseUpdate>();
            await foreach (var update in primary.Agent.RunStreamingAsync(messages, session, null, cancellationToken))
            {
                updates.Add(update);
                if (!string.IsNullOrEmpty(update.Text)) run.Emit("text", agent, new { text = update.Text });
            }

            return updates.ToAgentResponse();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException && primary.Agent.GetService<ChatClientAgent>()?.ChatHistoryProvider is InMemoryChatHistoryProvider history)
        {
            var kept = history.GetMessages(session);
            kept.AddRange(messages.Where(m => m.Contents.All(c => c is TextContent)));
            kept.Add(new ChatMessage(ChatRole.Assistant, $"[This turn ended without an answer: {(ex is OperationCanceledException ? "cancelled" : ex.Message)}]"));
            history.SetMessages(session, kept);
            throw;
        }
    }

    // The run's stop request (a loop, a spent tool budget) ends it even though the model got an answer back.
    private static void ThrowIfStopped(AgentRun run)
    {
        if (run.StopRequested is { } reason) throw new RunStoppedException(reason);
    }

    /// <summary>Decides what the policy can (grants allow, denials reject); stores the rest for a human. Null when paused.</summary>
    private async Task<List<AIContent>?> SettleAsync(AgentRun run, AgentSpec spec, AgentBinding primary, List<ToolApprovalRequestContent> requests, CancellationToken cancellationToken)
    {
        var records = new List<ApprovalRecord>();
        var responses = new List<AIContent>();
        foreach (var request in requests)
        {
            var call = (FunctionCallContent)request.ToolCall;
            var name = ToolNames.FromModel(call.Name);
            var decision = primary.Tools.TryGetValue(name, out var tool)
                ? PolicyEngine.Decide(spec.Tools, tool, call.Arguments)
                : new PolicyDecision(PolicyOutcome.Deny, $"'{name}' is not a tool of this agent.");
            var record = new ApprovalRecord
            {
                Id = NewId("appr"),
                Scope = run.Scope,
                ConversationId = run.ConversationId,
                RunId = run.Id,
                Agent = spec.Name,
                Tool = name,
                ArgumentsJson = ToolArguments.ToJson(call.Arguments ?? new Dictionary<string, object?>()).ToJsonString(),
                Reason = decision.Reason,
                RequestJson = JsonSerializer.Serialize<AIContent>(request, AIJsonUtilities.DefaultOptions),
                CreatedAt = time.GetUtcNow(),
                Status = decision.Outcome switch { PolicyOutcome.Allow => "approved", PolicyOutcome.Deny => "rejected", _ => "pending" },
                DecidedBy = decision.Outcome == PolicyOutcome.NeedsApproval ? null : "policy",
                DecisionReason = decision.Outcome == PolicyOutcome.NeedsApproval ? null : decision.Reason,
            };
            records.Add(record);
            if (decision.Outcome == PolicyOutcome.NeedsApproval)
            {
                run.Emit("approval_requested", spec.Name, new { approval = record.Id, tool = name, arguments = JsonDocument.Parse(record.ArgumentsJson).RootElement, reason = decision.Reason });
            }
            else
            {
                run.Emit("policy", spec.Name, new { tool = name, decision = decision.Outcome.ToString(), reason = decision.Reason });
                responses.Add(request.CreateResponse(decision.Outcome == PolicyOutcome.Allow, decision.Reason));
            }
        }

        if (records.All(r => r.Status != "pending")) return responses;
        await store.SaveApprovalsAsync(records, CancellationToken.None);
        run.PendingApprovals = [.. records.Where(r => r.Status == "pending").Select(r => r.Id)];
        run.SetState(RunStates.WaitingForApproval, $"Waiting for approval of {string.Join(", ", records.Where(r => r.Status == "pending").Select(r => r.Tool))}.");
        return null;
    }

    private async Task SaveAsync(AgentRun run, AgentBinding primary, AgentSession session)
    {
        try
        {
            var json = await primary.Agent.SerializeSessionAsync(session, AIJsonUtilities.DefaultOptions, CancellationToken.None);
            await store.SaveSessionAsync(run.Scope, run.ConversationId, new StoredSession(run.Agent, json.GetRawText(), time.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSaveFailed(logger, run.Id, ex);
        }
    }

    /// <summary>Stores the run's record; a failed write is logged, the run goes on (its session is saved apart).</summary>
    public async Task PersistAsync(AgentRun run)
    {
        try
        {
            await store.SaveRunAsync(StoredRun.Of(run, time.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogRunSaveFailed(logger, run.Id, ex);
        }
    }

    private static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10))}";

    [LoggerMessage(EventId = 6301, Level = LogLevel.Error, Message = "Run {RunId} of agent {Agent} failed")]
    private static partial void LogFailed(ILogger logger, string runId, string agent, Exception exception);

    [LoggerMessage(EventId = 6302, Level = LogLevel.Error, Message = "The session of run {RunId} could not be saved")]
    private static partial void LogSaveFailed(ILogger logger, string runId, Exception exception);

    [LoggerMessage(EventId = 6303, Level = LogLevel.Error, Message = "The record of run {RunId} could not be saved")]
    private static partial void LogRunSaveFailed(ILogger logger, string runId, Exception exception);
}
