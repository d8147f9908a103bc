namespace Nexus.Agents.Memory;

/// <summary>A stored session: the agent it belongs to and the framework's serialised <c>AgentSession</c>.</summary>
public sealed record StoredSession(string Agent, string SessionJson, DateTimeOffset UpdatedAt);

/// <summary>
/// An approval request of a paused run, stored with its session: pending until a human decides it, or decided by the
/// policy when it paused (a grant, a denial). The run resumes when every request of its turn is decided.
/// </summary>
public sealed record ApprovalRecord
{
    public required string Id { get; init; }
    public required MemoryScope Scope { get; init; }
    public required string ConversationId { get; init; }
    public required string RunId { get; init; }
    public required string Agent { get; init; }
    public required string Tool { get; init; }
    public required string ArgumentsJson { get; init; }
    public required string Reason { get; init; }

    /// <summary>The framework's <c>ToolApprovalRequestContent</c>, serialised, from which the response is created.</summary>
    public required string RequestJson { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>pending</c>, <c>approved</c> or <c>rejected</c>.</summary>
    public string Status { get; init; } = "pending";

    /// <summary>Who decided: <c>policy</c>, or the human's name or <c>human</c>.</summary>
    public string? DecidedBy { get; init; }

    public string? DecisionReason { get; init; }
}

/// <summary>A long-term memory with its embedding.</summary>
public sealed record MemoryRecord(string Id, string Text, float[] Vector, DateTimeOffset CreatedAt);

/// <summary>
/// Sessions, pending approvals, run records and long-term memories. Every method takes a scope and checks it first
/// (<see cref="MemoryScope.Require"/>); every query filters by all three parts, so none can cross scopes.
/// </summary>
public interface IAgentStore
{
    Task SaveSessionAsync(MemoryScope scope, string conversationId, StoredSession session, CancellationToken cancellationToken);

    Task<StoredSession?> LoadSessionAsync(MemoryScope scope, string conversationId, CancellationToken cancellationToken);

    Task SaveApprovalsAsync(IReadOnlyList<ApprovalRecord> approvals, CancellationToken cancellationToken);

    Task<ApprovalRecord?> FindApprovalAsync(string id, CancellationToken cancellationToken);

    /// <summary>Decides a pending request; false when it is not pending (already decided, or unknown).</summary>
    Task<bool> DecideAsync(string id, bool approved, string decidedBy, string? reason, CancellationToken cancellationToken);

    /// <summary>When no request of the run is pending any more: removes and returns them all, for exactly one caller; else null.</summary>
    Task<IReadOnlyList<ApprovalRecord>?> TakeDecidedAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The pending approvals of a tenant's runs, oldest first.</summary>
    Task<IReadOnlyList<ApprovalRecord>> ListPendingAsync(string tenant, CancellationToken cancellationToken);

    /// <summary>Writes a run's record (insert or replace); the scope is the run's own.</summary>
    Task SaveRunAsync(StoredRun run, CancellationToken cancellationToken);

    /// <summary>A run of the tenant with its events; null when unknown or another tenant's.</summary>
    Task<StoredRun?> FindRunAsync(string tenant, string id, CancellationToken cancellationToken);

    /// <summary>A page of the tenant's runs, newest first, without their events.</summary>
    Task<StoredRunPage> ListRunsAsync(string tenant, int limit, int offset, CancellationToken cancellationToken);

    /// <summary>The ids of every run that is running or waiting for approval, of any tenant (for retention).</summary>
    Task<IReadOnlySet<string>> ListActiveRunIdsAsync(CancellationToken cancellationToken);

    Task<string> AddMemoryAsync(MemoryScope scope, string text, float[] vector, CancellationToken cancellationToken);

    Task<IReadOnlyList<MemoryRecord>> ListMemoriesAsync(MemoryScope scope, CancellationToken cancellationToken);

    Task<bool> DeleteMemoryAsync(MemoryScope scope, string id, CancellationToken cancellationToken);

    Task<int> DeleteScopeMemoriesAsync(MemoryScope scope, CancellationToken cancellationToken);
}
