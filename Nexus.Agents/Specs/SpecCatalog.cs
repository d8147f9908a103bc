using System.Collections.Immutable;

namespace Nexus.Agents.Specs;

/// <summary>A spec file the catalog could not take, and why.</summary>
public sealed record SpecProblem(string File, IReadOnlyList<string> Errors, DateTimeOffset At);

/// <summary>
/// The agents in force. A new version of a spec replaces the old one only when it is valid: until then the running agent
/// keeps its spec and the problem is reported beside it.
/// </summary>
public sealed class SpecCatalog(TimeProvider time)
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, (AgentSpec Spec, string File)> _agents = ImmutableDictionary<string, (AgentSpec, string)>.Empty;
    private ImmutableDictionary<string, SpecProblem> _problems = ImmutableDictionary<string, SpecProblem>.Empty;

    /// <summary>Raised after the set of agents changed.</summary>
    public event Action? Changed;

    public IReadOnlyCollection<AgentSpec> Agents => [.. _agents.Values.Select(a => a.Spec).OrderBy(s => s.Name, StringComparer.Ordinal)];

    public IReadOnlyCollection<SpecProblem> Problems => [.. _problems.Values.OrderBy(p => p.File, StringComparer.Ordinal)];

    public AgentSpec? Find(string name) => _agents.TryGetValue(name, out var entry) ? entry.Spec : null;

    /// <summary>Applies a file's new content; returns the errors (empty when the spec is now in force).</summary>
    public IReadOnlyList<string> Apply(string file, string yaml)
    {
        var result = SpecParser.Parse(yaml);
        lock (_gate)
        {
            var errors = result.Errors.ToList();
            if (result.Spec is { } spec && _agents.TryGetValue(spec.Name, out var existing) && existing.File != file)
            {
                errors.Add($"name: '{spec.Name}' is already declared in {existing.File}.");
            }

            if (errors.Count > 0 || result.Spec is null)
            {
                _problems = _problems.SetItem(file, new SpecProblem(file, errors, time.GetUtcNow()));
                return errors;
            }

            // A file renamed its agent: the old name goes.
            foreach (var (name, entry) in _agents)
            {
                if (entry.File == file && name != result.Spec.Name) _agents = _agents.Remove(name);
            }

            _agents = _agents.SetItem(result.Spec.Name, (result.Spec, file));
            _problems = _problems.Remove(file);
        }

        Changed?.Invoke();
        return [];
    }

    /// <summary>The file is gone: so are its agents and its problems.</summary>
    public void Remove(string file)
    {
        lock (_gate)
        {
            foreach (var (name, entry) in _agents)
            {
                if (entry.File == file) _agents = _agents.Remove(name);
            }

            _problems = _problems.Remove(file);
        }

        Changed?.Invoke();
    }

    public string? FileOf(string name) => _agents.TryGetValue(name, out var entry) ? entry.File : null;
}
