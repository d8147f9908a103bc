using Nexus.Contract;

namespace Nexus.Gateway.Registry.Api;

/// <summary>An instance as the registry API shows it: where it is, its state and its full descriptor.</summary>
public sealed record InstanceView
{
    public required string InstanceId { get; init; }
    public required string Service { get; init; }
    public required string Kind { get; init; }
    public required string Version { get; init; }
    public required string BaseUrl { get; init; }

    /// <summary><c>registering</c>, <c>ready</c>, <c>unhealthy</c> or <c>gone</c>.</summary>
    public required string State { get; init; }

    /// <summary>Why the instance is not ready (the last failed probe, say), when it is not.</summary>
    public string? StateReason { get; init; }

    public required DateTimeOffset RegisteredAt { get; init; }
    public required DateTimeOffset LeaseExpiresAt { get; init; }
    public required NexusServiceDescriptor Descriptor { get; init; }

    public static InstanceView From(RegisteredInstance instance) => new()
    {
        InstanceId = instance.InstanceId,
        Service = instance.ServiceName,
        Kind = instance.Descriptor.Kind,
        Version = instance.Descriptor.Version,
        BaseUrl = instance.BaseUrl.ToString().TrimEnd('/'),
        State = StateName(instance.State),
        StateReason = instance.StateReason,
        RegisteredAt = instance.RegisteredAt,
        LeaseExpiresAt = instance.LeaseExpiresAt,
        Descriptor = instance.Descriptor,
    };

    public static string StateName(InstanceState state) => state.ToString().ToLowerInvariant();
}

/// <summary>The answer to a listing.</summary>
public sealed record InstanceList(IReadOnlyList<InstanceView> Instances);
