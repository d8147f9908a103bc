using System.Collections.Concurrent;

namespace Nexus.Agents.Runtime;

/// <summary>The runs of this process by id. Their sessions, and the approvals they wait for, are in the store.</summary>
public sealed class RunRegistry
{
    private readonly ConcurrentDictionary<string, AgentRun> _runs = new(StringComparer.Ordinal);

    public void Add(AgentRun run) => _runs[run.Id] = run;

    public AgentRun? Find(string id) => _runs.TryGetValue(id, out var run) ? run : null;

    /// <summary>A tenant's runs, newest first.</summary>
    public IReadOnlyList<AgentRun> OfTenant(string tenant) =>
        [.. _runs.Values.Where(r => r.Scope.Tenant == tenant).OrderByDescending(r => r.StartedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal)];

    public IReadOnlyList<AgentRun> All => [.. _runs.Values.OrderBy(r => r.StartedAt)];
}
