using Nexus.Contract;

namespace Nexus.Gateway.Registry;

/// <summary>
/// The services and models whose last instance left recently (<see cref="RegistryOptions.GoneServiceGrace"/>): a
/// service that crashed or restarts is still a service, so routing answers 503 for it rather than 404. Kept by the
/// registry beside its entries; its own lock, as it is written on removal and read on a request that found no instance.
/// </summary>
internal sealed class GoneServices(TimeSpan grace, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _models = new(StringComparer.Ordinal);

    /// <summary>Remembers what a removed instance served, from now.</summary>
    public void Remember(NexusServiceDescriptor descriptor)
    {
        if (grace <= TimeSpan.Zero) return;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Prune(now);
            _services[descriptor.Name] = now;
            foreach (var model in descriptor.Models ?? []) _models[model.Id] = now;
        }
    }

    public bool HasService(string serviceName) => Recent(_services, serviceName);

    public bool HasModel(string modelId) => Recent(_models, modelId);

    private bool Recent(Dictionary<string, DateTimeOffset> gone, string name)
    {
        lock (_gate)
        {
            return gone.TryGetValue(name, out var at) && time.GetUtcNow() - at < grace;
        }
    }

    // Bounded by what registered within one grace period; pruned on every removal.
    private void Prune(DateTimeOffset now)
    {
        foreach (var gone in new[] { _services, _models })
        {
            foreach (var (name, at) in gone)
            {
                if (now - at >= grace) gone.Remove(name);
            }
        }
    }
}
