using System.Text.Json.Nodes;

namespace Nexus.Ui.Gateway;

/// <summary>
/// The registry as one page sees it, kept current from the watch stream. An instance that leaves stays listed as
/// <c>gone</c> (red) rather than vanishing, so a person watching sees that it died.
/// </summary>
internal sealed class RegistryView
{
    private readonly Dictionary<string, InstanceInfo> _instances = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Apply(string kind, JsonObject view)
    {
        var instance = InstanceInfo.From(view);
        lock (_lock) _instances[instance.InstanceId] = kind == "removed" ? instance with { State = "gone" } : instance;
    }

    public void Clear()
    {
        lock (_lock) _instances.Clear();
    }

    /// <summary>Services by name, each with its instances (ready first).</summary>
    public IReadOnlyList<(string Service, IReadOnlyList<InstanceInfo> Instances)> Services()
    {
        lock (_lock)
        {
            return _instances.Values
                .GroupBy(i => i.Service, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, (IReadOnlyList<InstanceInfo>)g.OrderBy(i => i.State == "ready" ? 0 : i.State == "gone" ? 2 : 1).ThenBy(i => i.InstanceId, StringComparer.Ordinal).ToList()))
                .ToList();
        }
    }

    public IReadOnlyList<InstanceInfo> Of(string service)
    {
        lock (_lock) return _instances.Values.Where(i => i.Service == service).ToList();
    }
}
