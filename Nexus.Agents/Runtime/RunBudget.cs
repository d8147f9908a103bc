using Nexus.Agents.Specs;

namespace Nexus.Agents.Runtime;

/// <summary>A run stopped by its runtime, not by an error: a budget, a loop, a limit. The reason is shown to the user.</summary>
public sealed class RunStoppedException(string reason) : Exception(reason);

/// <summary>
/// What a run may still spend: tokens, tool calls, time and spawns. A sub-agent's budget is a child of its parent's:
/// everything it spends is spent by every ancestor too, and it starts with no more than the parent has left, so the
/// limits hold across any nesting.
/// </summary>
public sealed class RunBudget
{
    private readonly RunBudget? _parent;
    private readonly Lock _gate;
    private long _tokens;
    private int _toolCalls;
    private int _spawns;

    private RunBudget(RunBudget? parent, Budgets limits, DateTimeOffset deadline, int depth, int maxDepth)
    {
        _parent = parent;
        _gate = parent?._gate ?? new Lock();
        _tokens = Math.Min(limits.Tokens, parent?.TokensLeft ?? long.MaxValue);
        _toolCalls = Math.Min(limits.ToolCalls, parent?.ToolCallsLeft ?? int.MaxValue);
        _spawns = Math.Min(limits.SpawnCount, parent?.SpawnsLeft ?? int.MaxValue);
        Deadline = parent is null ? deadline : (deadline < parent.Deadline ? deadline : parent.Deadline);
        Depth = depth;
        MaxDepth = parent is null ? maxDepth : Math.Min(maxDepth + depth, parent.MaxDepth);
        RepeatedCalls = limits.RepeatedCalls;
    }

    public static RunBudget Root(Budgets limits, DateTimeOffset now) =>
        new(null, limits, now.AddSeconds(limits.WallTimeSeconds), 0, limits.SpawnDepth);

    public long TokensLeft { get { lock (_gate) return _tokens; } }
    public int ToolCallsLeft { get { lock (_gate) return _toolCalls; } }
    public int SpawnsLeft { get { lock (_gate) return _spawns; } }
    public DateTimeOffset Deadline { get; }
    public int Depth { get; }

    /// <summary>The deepest level a descendant may run at (the root is 0).</summary>
    public int MaxDepth { get; }

    public int RepeatedCalls { get; }

    public long TokensUsed { get; private set; }
    public int ToolCallsUsed { get; private set; }

    public bool CanSpawnDeeper => Depth < MaxDepth;

    /// <summary>Before a model call: stops the run when its tokens are spent.</summary>
    public void EnsureTokens()
    {
        if (TokensLeft <= 0) throw new RunStoppedException($"Token budget spent at depth {Depth}: no tokens left for another model call.");
    }

    /// <summary>After a model call: what it used, spent here and in every ancestor.</summary>
    public void SpendTokens(long tokens)
    {
        lock (_gate)
        {
            for (var b = this; b is not null; b = b._parent)
            {
                b._tokens -= tokens;
                b.TokensUsed += tokens;
            }
        }
    }

    /// <summary>Takes one tool call here and in every ancestor; false when any of them has none left.</summary>
    public bool TryTakeToolCall()
    {
        lock (_gate)
        {
            for (var b = this; b is not null; b = b._parent)
            {
                if (b._toolCalls <= 0) return false;
            }

            for (var b = this; b is not null; b = b._parent)
            {
                b._toolCalls--;
                b.ToolCallsUsed++;
            }

            return true;
        }
    }

    /// <summary>A sub-agent's budget: its own spec's limits, never more than this one has left; takes one spawn.</summary>
    public RunBudget? TrySpawn(Budgets childLimits, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!CanSpawnDeeper) return null;
            for (var b = this; b is not null; b = b._parent)
            {
                if (b._spawns <= 0) return null;
            }

            for (var b = this; b is not null; b = b._parent) b._spawns--;
        }

        return new RunBudget(this, childLimits, now.AddSeconds(childLimits.WallTimeSeconds), Depth + 1, childLimits.SpawnDepth);
    }
}
