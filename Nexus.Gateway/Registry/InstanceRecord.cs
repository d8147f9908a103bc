using Nexus.Contract;

namespace Nexus.Gateway.Registry;

/// <summary>
/// A registration as a backend stores it (the value of an etcd key): shared by every gateway, unlike health,
/// which each gateway observes for itself.
/// </summary>
internal sealed record InstanceRecord
{
    public required string InstanceId { get; init; }
    public required string BaseUrl { get; init; }
    public required NexusServiceDescriptor Descriptor { get; init; }

    /// <summary>SHA-256 (hex) of the instance secret; the secret itself is never stored.</summary>
    public required string SecretHash { get; init; }

    /// <summary>The hash a renewal is compared with; a different one makes the registry refetch the descriptor.</summary>
    public required string DescriptorHash { get; init; }

    public required DateTimeOffset RegisteredAt { get; init; }
    public required int LeaseSeconds { get; init; }
}
