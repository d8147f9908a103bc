using System.Text.Json;
using System.Threading.Channels;
using Nexus.Agents.Memory;

namespace Nexus.Agents.Runtime;

/// <summary>
/// What happened in a run, in order: the record a user reads and the event stream sends. Types: text, tool_call,
/// tool_result, policy, approval_requested, approval_given, adversary_verdict, supplicant_notes, subagent, budget, blob, state.
/// </summary>
public sealed record RunEvent(long Sequence, string Type, string Agent, JsonElement Data, DateTimeOffset At);

public static class RunStates
{
    public const string Running = "running";
    public const string WaitingForApproval = "waiting_for_approval";
    public const string Completed = "completed";
    public const string Stopped = "stopped";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    /// <summary>A stored run that was running when its process ended: nothing runs it any more.</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>
/// One run of an agent: its state, its events, and a way to follow them live. Readers get every event so far, then each
/// new one; the record is kept after the run ends.
/// </summary>
public sealed class AgentRun(string id, string agent, MemoryScope scope, string conversationId, string task, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly List<RunEvent> _events = [];
    private long _tokensUsed;
    private int _toolCallsUsed;
    private readonly List<Channel<RunEvent>> _followers = [];
    private readonly CancellationTokenSource _cancel = new();

    public string Id => id;
    public string Agent => agent;
    public MemoryScope Scope => scope;
    public string ConversationId => conversationId;

    /// <summary>The user's task as it started the run; the partners review against it, also after a resume.</summary>
    public string Task => task;

    public string State { get; private set; } = RunStates.Running;
    public string? Reason { get; private set; }
    public string? Output { get; set; }
    public IReadOnlyList<string> PendingApprovals { get; set; } = [];
    public DateTimeOffset StartedAt { get; private set; } = time.GetUtcNow();
    public DateTimeOffset? EndedAt { get; private set; }
    public long TokensUsed { get { lock (_gate) return _tokensUsed; } }
    public int ToolCallsUsed { get { lock (_gate) return _toolCallsUsed; } }
    public CancellationToken Cancellation => _cancel.Token;
    public bool IsFinished => State is not (RunStates.Running or RunStates.WaitingForApproval);

    public IReadOnlyList<RunEvent> Events
    {
        get { lock (_gate) return [.. _events]; }
    }

    public void Emit(string type, string author, object data)
    {
        lock (_gate)
        {
            var item = new RunEvent(_events.Count + 1, type, author, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), time.GetUtcNow());
            _events.Add(item);
            foreach (var follower in _followers) follower.Writer.TryWrite(item);
        }
    }

    /// <summary>
    /// A stored run taken up again by this process (after a restart, to resume it): its start and what it spent and
    /// did before go on under the same id.
    /// </summary>
    public static AgentRun Restore(StoredRun stored, TimeProvider time)
    {
        var run = new AgentRun(stored.Id, stored.Agent, stored.Scope, stored.ConversationId, stored.Task, time) { StartedAt = stored.StartedAt };
        run._events.AddRange(stored.Events);
        run._tokensUsed = stored.TokensUsed;
        run._toolCallsUsed = stored.ToolCallsUsed;
        return run;
    }

    /// <summary>Adds what one stretch of the run (up to a pause or its end) spent.</summary>
    public void AddUse(long tokens, int toolCalls)
    {
        lock (_gate)
        {
            _tokensUsed += tokens;
            _toolCallsUsed += toolCalls;
        }
    }

    public void SetState(string state, string? reason = null)
    {
        lock (_gate)
        {
            State = state;
            Reason = reason;
            if (IsFinished) EndedAt = time.GetUtcNow();
        }

        Emit("state", agent, new { state, reason });
        if (state is RunStates.WaitingForApproval || IsFinished)
        {
            lock (_gate)
            {
                foreach (var follower in _followers) follower.Writer.TryComplete();
                _followers.Clear();
            }
        }
    }

    /// <summary>Resumes a paused run (after an approval) under the same id.</summary>
    public void Resume()
    {
        lock (_gate) State = RunStates.Running;
        Emit("state", agent, new { state = RunStates.Running, reason = "resumed" });
    }

    public void Cancel() => _cancel.Cancel();

    /// <summary>Why the runtime stopped the run from inside (a loop, a spent budget); null while it may go on.</summary>
    public string? StopRequested { get; private set; }

    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>Counts a call with these exact arguments; returns how many such calls the run has seen before.</summary>
    public int CountCall(string canonical)
    {
        lock (_gate)
        {
            _calls.TryGetValue(canonical, out var seen);
            _calls[canonical] = seen + 1;
            return seen;
        }
    }

    public void RequestStop(string reason) => StopRequested ??= reason;

    /// <summary>Clears a stop request when a paused run is resumed by a human's decision.</summary>
    public void ClearStop() => StopRequested = null;

    /// <summary>Every event so far, then each new one until the run ends or pauses.</summary>
    public async IAsyncEnumerable<RunEvent> FollowAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateUnbounded<RunEvent>();
        lock (_gate)
        {
            foreach (var item in _events) channel.Writer.TryWrite(item);
            if (State == RunStates.Running) _followers.Add(channel);
            else channel.Writer.TryComplete();
        }

        await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken)) yield return item;
    }
}
