using Nexus.Contract;

namespace Nexus.Gateway.Registry;

/// <summary>
/// What the rest of the gateway (routing, /v1/models, the admin API, the UI's watch) reads from the registry.
/// The registry alone writes it, from registrations and health probes; proxied requests feed routing's own passive
/// health (circuits), never the registry.
/// </summary>
public interface IServiceRegistry
{
    /// <summary>A snapshot of every known instance, in any state except gone.</summary>
    IReadOnlyList<RegisteredInstance> Snapshot();

    /// <summary>One instance, or <c>null</c> when unknown or gone.</summary>
    RegisteredInstance? Find(string instanceId);

    /// <summary>Ready instances of a service (by descriptor name).</summary>
    IReadOnlyList<RegisteredInstance> ReadyForService(string serviceName);

    /// <summary>Ready instances whose model catalog lists <paramref name="modelId"/> as ready.</summary>
    IReadOnlyList<RegisteredInstance> ReadyForModel(string modelId);

    /// <summary>
    /// Whether the service exists for routing: it has an instance in any state, or had one within
    /// <c>Nexus:Registry:GoneServiceGrace</c>. Without a ready instance such a service is a 503, not a 404.
    /// </summary>
    bool IsKnownService(string serviceName) => Snapshot().Any(i => string.Equals(i.ServiceName, serviceName, StringComparison.Ordinal));

    /// <summary>The same as <see cref="IsKnownService"/>, for a model of some instance's catalog.</summary>
    bool IsKnownModel(string modelId) => Snapshot().Any(i => i.Descriptor.Models?.Any(m => string.Equals(m.Id, modelId, StringComparison.Ordinal)) == true);

    /// <summary>Changes as they happen, in order, starting with the current state as <c>added</c> events.</summary>
    IAsyncEnumerable<RegistryChange> WatchAsync(CancellationToken cancellationToken);
}

/// <summary>The registry's states of an instance.</summary>
public enum InstanceState
{
    /// <summary>Registered, not yet healthy for the configured threshold: not routed to.</summary>
    Registering,

    /// <summary>Healthy: routed to.</summary>
    Ready,

    /// <summary>Failing its health checks: not routed to until healthy again for the threshold.</summary>
    Unhealthy,

    /// <summary>Lease expired or deregistered.</summary>
    Gone,
}

/// <summary>An instance as the registry knows it.</summary>
public sealed record RegisteredInstance
{
    public required string InstanceId { get; init; }
    public required Uri BaseUrl { get; init; }
    public required NexusServiceDescriptor Descriptor { get; init; }
    public required InstanceState State { get; init; }
    public string? StateReason { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    public string ServiceName => Descriptor.Name;
}

/// <summary>One change in the registry, as the watch stream reports it.</summary>
public sealed record RegistryChange(long Revision, RegistryChangeKind Kind, RegisteredInstance Instance);

public enum RegistryChangeKind
{
    Added,
    Updated,
    Removed,
}
