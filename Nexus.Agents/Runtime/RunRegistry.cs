using System.Collections.Concurrent;

namespace Nexus.Agents.Runtime;

/// <summary>The runs of this process by id. Their sessions, and the approvals they wait for, are in the store.</summary>
public sealed class RunRegistry
{
    private readonly ConcurrentDictionary<string, AgentRun> _runs = new(StringComparer.Ordinal);

    public void Add(AgentRun run) => _runs[run.Id] = run;

    public AgentRun? Find(string id) => _runs.TryGetValue(id, out var run) ? run : null;

    public IReadOnlyList<AgentRun> All => [.. _runs.Values.OrderBy(r => r.StartedAt)];
}
