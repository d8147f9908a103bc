using Nexus.Agents.Runtime;

namespace Nexus.Agents.Memory;

/// <summary>
/// A run's record as stored after each change of its state: what <c>GET /v1/agents/runs</c> shows after a restart, and
/// what a resumed run continues from (its task for the partners, its events, what it spent).
/// </summary>
public sealed record StoredRun
{
    public required string Id { get; init; }
    public required MemoryScope Scope { get; init; }
    public required string Agent { get; init; }
    public required string ConversationId { get; init; }
    public required string Task { get; init; }
    public required string State { get; init; }
    public string? Reason { get; init; }
    public string? Output { get; init; }
    public IReadOnlyList<string> PendingApprovals { get; init; } = [];
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public long TokensUsed { get; init; }
    public int ToolCallsUsed { get; init; }

    /// <summary>The events as the API shows them; empty in a listing, which leaves them out.</summary>
    public IReadOnlyList<RunEvent> Events { get; init; } = [];

    public static StoredRun Of(AgentRun run, DateTimeOffset now) => new()
    {
        Id = run.Id,
        Scope = run.Scope,
        Agent = run.Agent,
        ConversationId = run.ConversationId,
        Task = run.Task,
        State = run.State,
        Reason = run.Reason,
        Output = run.Output,
        PendingApprovals = run.PendingApprovals,
        StartedAt = run.StartedAt,
        UpdatedAt = now,
        EndedAt = run.EndedAt,
        TokensUsed = run.TokensUsed,
        ToolCallsUsed = run.ToolCallsUsed,
        Events = run.Events,
    };
}

/// <summary>A page of a tenant's stored runs, newest first, and how many it has in all.</summary>
public sealed record StoredRunPage(IReadOnlyList<StoredRun> Runs, int Total);
