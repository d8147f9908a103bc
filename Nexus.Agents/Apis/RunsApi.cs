using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Nexus.Agents.Memory;
using Nexus.Agents.Runtime;
using Nexus.Contract;

namespace Nexus.Agents.Apis;

/// <summary>Starts a run: the task, and whose memory it runs in (the tenant is the caller's, <see cref="CallerTenant"/>).</summary>
public sealed record StartRunRequest
{
    /// <summary>The agent to run (on <c>POST /v1/agents/runs</c>; the URL names it on <c>/v1/agents/{name}/runs</c>).</summary>
    public string? Agent { get; init; }

    /// <summary>Answer when the run has ended or paused (200 with the output), instead of at once (202).</summary>
    public bool Wait { get; init; }

    /// <summary>The task for the agent.</summary>
    public string? Input { get; init; }

    /// <summary>The user the run acts for; part of the memory scope.</summary>
    public string? User { get; init; }

    /// <summary>The workspace; part of the memory scope.</summary>
    public string? Workspace { get; init; }

    /// <summary>Continues this conversation's session; a new one when empty.</summary>
    public string? ConversationId { get; init; }
}

/// <summary>A run as the API shows it: what it was asked, its state and times, what it spent, and its transcript.</summary>
public sealed record RunView(
    string Id, string Agent, string ConversationId, string Task, string State, string? Reason, string? Output, IReadOnlyList<string> PendingApprovals,
    DateTimeOffset StartedAt, DateTimeOffset? EndedAt, long TokensUsed, int ToolCallsUsed, IReadOnlyList<RunEvent>? Transcript)
{
    public static RunView From(AgentRun run, bool transcript) => From(StoredRun.Of(run, run.StartedAt), transcript, live: true);

    /// <summary>
    /// A stored run; one that no process runs (<paramref name="live"/> false) but whose record says running was cut off
    /// by a stop of its service, and is shown as interrupted. One waiting for approval still resumes when it is decided.
    /// </summary>
    public static RunView From(StoredRun run, bool transcript, bool live)
    {
        var interrupted = !live && run.State == RunStates.Running;
        return new(run.Id, run.Agent, run.ConversationId, run.Task, interrupted ? RunStates.Interrupted : run.State,
            interrupted ? "The service stopped while the run was running; it does not go on." : run.Reason, run.Output, run.PendingApprovals,
            run.StartedAt, run.EndedAt, run.TokensUsed, run.ToolCallsUsed, transcript ? run.Events : null);
    }
}

/// <summary>Decides a pending approval.</summary>
public sealed record ApprovalDecision
{
    public bool Approved { get; init; }
    public string? Reason { get; init; }

    /// <summary>Who decides, for the record.</summary>
    public string? By { get; init; }
}

/// <summary>Runs (start, state and transcript, events, cancel), approvals, blobs and memory.</summary>
internal static class RunsApi
{
    private const int DefaultPage = 50;
    private const int MaxPage = 200;

    public static void MapRunsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/agents").WithTags("Runs");
        // The function (and so the MCP tool) takes everything in its body; path parameters have no place in a tool's schema.
        group.MapPost("/runs", (StartRunRequest request, CallerTenant tenant, AgentRunner runner, CancellationToken cancellationToken) =>
                StartAsync(request.Agent ?? "", request, tenant, runner, cancellationToken))
            .WithSummary("Runs an agent on a task; with 'wait' answers with its output when it ends or pauses, else at once with its id.")
            .AsNexusFunction("run-agent", f => f.Order("agent", "input", "user", "workspace", "wait", "conversationId").Widget("input", UiWidgets.Textarea, label: "Task").Result(UiWidgets.Json));
        group.MapPost("/{name}/runs", StartAsync).WithSummary("Starts a run of the named agent.");
        group.MapGet("/runs", ListAsync).WithSummary("The caller tenant's runs, newest first (limit, offset); stored, so a restart keeps them.");
        group.MapGet("/runs/{id}", GetAsync).WithSummary("A run's state, output and transcript.");
        group.MapGet("/runs/{id}/events", EventsAsync).WithSummary("Server-sent events of a run: text, tool calls and results, policy decisions, approvals, partners, sub-agents, budget.");
        group.MapPost("/runs/{id}/cancel", CancelAsync).WithSummary("Cancels a run; its session is kept.");
        group.MapGet("/approvals", ListApprovalsAsync).WithSummary("The caller tenant's calls waiting for a human's approval.")
            .AsNexusFunction("list-approvals", f => f.Annotate(readOnly: true).Result(UiWidgets.Json));
        group.MapPost("/approvals/{id}", DecideAsync).WithSummary("Approves or rejects a pending call of the caller tenant's run (or any, with the admin key), with a reason; the run resumes when its last pending call is decided.");
        group.MapGet("/blobs/{id}", Blob).WithSummary("A binary tool result an agent stored.");
        group.MapGet("/memory", ListMemoryAsync).WithSummary("The long-term memories of a user's workspace.");
        group.MapDelete("/memory", DeleteMemoryAsync).WithSummary("Deletes the long-term memories of a user's workspace, or one of them (id).");
    }

    private static async Task<Results<Accepted<RunView>, Ok<RunView>, ProblemHttpResult>> StartAsync(string name, StartRunRequest request, CallerTenant tenant, AgentRunner runner, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name)) return BadRequest("'agent' is required.");
        if (string.IsNullOrWhiteSpace(request.Input)) return BadRequest("'input' is required.");
        try
        {
            var (run, completion) = await runner.StartAsync(new RunRequest(name, new MemoryScope(tenant.Id, request.User, request.Workspace), [new ChatMessage(ChatRole.User, request.Input)], request.ConversationId), cancellationToken);
            if (!request.Wait) return TypedResults.Accepted($"/v1/agents/runs/{run.Id}", RunView.From(run, false));
            await completion.WaitAsync(cancellationToken);
            return TypedResults.Ok(RunView.From(run, false));
        }
        catch (MissingScopeException ex)
        {
            return BadRequest(ex.Message);
        }
        catch (RunRequestException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: ex.Message.StartsWith("There is no agent", StringComparison.Ordinal) ? 404 : 409);
        }
    }

    private static async Task<Results<Ok<RunPage>, ProblemHttpResult>> ListAsync(CallerTenant tenant, RunRegistry runs, IAgentStore store, int? limit, int? offset, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage) return BadRequest($"'limit' must be 1 to {MaxPage}.");
        if (offset is < 0) return BadRequest("'offset' must not be negative.");
        var stored = await store.ListRunsAsync(tenant.Id, limit ?? DefaultPage, offset ?? 0, cancellationToken);
        // A run of this process is shown live; the others as their record last said.
        var page = stored.Runs.Select(r => runs.Find(r.Id) is { } live ? RunView.From(live, false) : RunView.From(r, false, live: false)).ToList();
        var next = (offset ?? 0) + page.Count;
        return TypedResults.Ok(new RunPage(page, stored.Total, page.Count > 0 && next < stored.Total ? next : null));
    }

    private static async Task<Results<Ok<RunView>, ProblemHttpResult>> GetAsync(string id, CallerTenant tenant, RunRegistry runs, IAgentStore store, CancellationToken cancellationToken) =>
        await FindAsync(id, tenant, runs, store, cancellationToken) switch
        {
            (AgentRun live, _) => TypedResults.Ok(RunView.From(live, true)),
            (_, StoredRun stored) => TypedResults.Ok(RunView.From(stored, true, live: false)),
            _ => NotFound(id),
        };

    private static async Task<Results<ServerSentEventsResult<string>, ProblemHttpResult>> EventsAsync(string id, CallerTenant tenant, RunRegistry runs, IAgentStore store, CancellationToken cancellationToken) =>
        await FindAsync(id, tenant, runs, store, cancellationToken) switch
        {
            (AgentRun live, _) => TypedResults.ServerSentEvents(Stream(live.FollowAsync(cancellationToken))),
            (_, StoredRun stored) => TypedResults.ServerSentEvents(Stream(stored.Events.ToAsyncEnumerable())),
            _ => NotFound(id),
        };

    // Another tenant's run is as absent as an unknown one: its existence is not told (the store looks up by tenant).
    private static async Task<(AgentRun? Live, StoredRun? Stored)> FindAsync(string id, CallerTenant tenant, RunRegistry runs, IAgentStore store, CancellationToken cancellationToken)
    {
        if (runs.Find(id) is { } run) return tenant.Owns(run.Scope.Tenant) ? (run, null) : (null, null);
        return (null, await store.FindRunAsync(tenant.Id, id, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> Stream(IAsyncEnumerable<RunEvent> events)
    {
        await foreach (var item in events)
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(item, JsonSerializerOptions.Web), item.Type) { EventId = item.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }

    private static async Task<Results<Accepted<RunView>, ProblemHttpResult>> CancelAsync(string id, CallerTenant tenant, RunRegistry runs, IAgentStore store, AgentRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var (run, stored) = await FindAsync(id, tenant, runs, store, cancellationToken);
        if (run is null)
        {
            if (stored is null) return NotFound(id);
            // A run paused before a restart is cancelled in its record: a later decision then resumes nothing.
            if (stored.State != RunStates.WaitingForApproval) return Ended(id, RunView.From(stored, false, live: false).State);
            var cancelled = stored with { State = RunStates.Cancelled, Reason = "Cancelled by the user while waiting for approval.", UpdatedAt = time.GetUtcNow(), EndedAt = time.GetUtcNow() };
            await store.SaveRunAsync(cancelled, cancellationToken);
            return TypedResults.Accepted($"/v1/agents/runs/{id}", RunView.From(cancelled, false, live: false));
        }

        if (run.IsFinished) return Ended(id, run.State);
        run.Cancel();
        if (run.State == RunStates.WaitingForApproval)
        {
            run.SetState(RunStates.Cancelled, "Cancelled by the user while waiting for approval.");
            await runner.PersistAsync(run);
        }

        return TypedResults.Accepted($"/v1/agents/runs/{id}", RunView.From(run, false));
    }

    private static ProblemHttpResult Ended(string id, string state) =>
        TypedResults.Problem($"The run '{id}' has already ended ({state}).", statusCode: StatusCodes.Status409Conflict);

    private static async Task<Ok<ApprovalList>> ListApprovalsAsync(CallerTenant tenant, IAgentStore store, CancellationToken cancellationToken)
    {
        var pending = await store.ListPendingAsync(tenant.Id, cancellationToken);
        return TypedResults.Ok(new ApprovalList([.. pending.Select(p => new ApprovalView(p.Id, p.RunId, p.ConversationId, p.Agent, p.Tool, JsonDocument.Parse(p.ArgumentsJson).RootElement, p.Reason, p.Scope.User!, p.Scope.Workspace!, p.CreatedAt))]));
    }

    /// <summary>
    /// The admin key decides any approval; without it, the tenant the gateway attests decides its own runs' approvals, and
    /// another tenant's is a 404. A direct call with neither is refused: a bare request cannot approve anything.
    /// </summary>
    private static async Task<Results<Ok<ApprovalOutcome>, ProblemHttpResult>> DecideAsync(string id, ApprovalDecision decision, HttpContext context, CallerTenant tenant, AgentRunner runner, IAgentStore store, IOptions<AgentsOptions> options, CancellationToken cancellationToken)
    {
        if (!AdminKey.IsPresented(context, options.Value.AdminKey))
        {
            if (!tenant.Attested)
                return TypedResults.Problem("Deciding an approval needs the caller's tenant (through the gateway) or the agents admin key: 'Authorization: Bearer <key>'.", statusCode: StatusCodes.Status401Unauthorized);
            if (await store.FindApprovalAsync(id, cancellationToken) is not { } record || !tenant.Owns(record.Scope.Tenant)) return NoApproval(id);
        }

        var (decided, resumed) = await runner.DecideAsync(id, decision.Approved, string.IsNullOrWhiteSpace(decision.By) ? "human" : decision.By, decision.Reason, cancellationToken);
        if (!decided) return NoApproval(id);
        return TypedResults.Ok(new ApprovalOutcome(id, decision.Approved, resumed is not null));
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> Blob(string id, Tools.BlobStore blobs) =>
        blobs.Find(id) is { } blob ? TypedResults.PhysicalFile(blob.Path, blob.ContentType) : TypedResults.Problem($"There is no blob '{id}'.", statusCode: 404);

    private static async Task<Results<Ok<IReadOnlyList<MemoryView>>, ProblemHttpResult>> ListMemoryAsync(string? user, string? workspace, CallerTenant tenant, IAgentStore store, CancellationToken cancellationToken)
    {
        try
        {
            var memories = await store.ListMemoriesAsync(new MemoryScope(tenant.Id, user, workspace), cancellationToken);
            return TypedResults.Ok<IReadOnlyList<MemoryView>>([.. memories.Select(m => new MemoryView(m.Id, m.Text, m.CreatedAt))]);
        }
        catch (MissingScopeException ex)
        {
            return BadRequest(ex.Message);
        }
    }

    private static async Task<Results<Ok<DeletedMemories>, ProblemHttpResult>> DeleteMemoryAsync(string? user, string? workspace, string? id, CallerTenant tenant, IAgentStore store, CancellationToken cancellationToken)
    {
        try
        {
            var scope = new MemoryScope(tenant.Id, user, workspace);
            var deleted = id is null ? await store.DeleteScopeMemoriesAsync(scope, cancellationToken) : await store.DeleteMemoryAsync(scope, id, cancellationToken) ? 1 : 0;
            return TypedResults.Ok(new DeletedMemories(deleted));
        }
        catch (MissingScopeException ex)
        {
            return BadRequest(ex.Message);
        }
    }

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    private static ProblemHttpResult NoApproval(string id) =>
        TypedResults.Problem($"There is no pending approval '{id}' (unknown, already decided, or not your tenant's).", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem($"There is no run '{id}'.", statusCode: StatusCodes.Status404NotFound);
}

/// <summary>A page of runs: <c>next</c> is the offset of the next page, null on the last.</summary>
internal sealed record RunPage(IReadOnlyList<RunView> Runs, int Total, int? Next);

internal sealed record ApprovalList(IReadOnlyList<ApprovalView> Approvals);

internal sealed record ApprovalView(string Id, string RunId, string ConversationId, string Agent, string Tool, JsonElement Arguments, string Reason, string User, string Workspace, DateTimeOffset CreatedAt);

internal sealed record ApprovalOutcome(string Id, bool Approved, bool Resumed);

internal sealed record MemoryView(string Id, string Text, DateTimeOffset CreatedAt);

internal sealed record DeletedMemories(int Deleted);
