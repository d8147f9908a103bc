namespace Nexus.Contract;

/// <summary>
/// <c>POST /v1/registry/instances</c> with <c>Authorization: Bearer &lt;registration token&gt;</c>:
/// announces an instance. Answered with 201 and a <see cref="RegisterInstanceResponse"/>.
/// </summary>
public sealed record RegisterInstanceRequest
{
    /// <summary>The URL the registry and gateway use to reach the instance (absolute http or https).</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The instance's descriptor, as <c>GET /v1/metadata</c> returns it.</summary>
    public required NexusServiceDescriptor Descriptor { get; init; }
}

/// <summary>The registry's answer to a registration.</summary>
public sealed record RegisterInstanceResponse
{
    /// <summary>The instance id the registry recorded (the descriptor's <c>instanceId</c>).</summary>
    public required string InstanceId { get; init; }

    /// <summary>Secret that authorises renewals and deregistration of this instance, and nothing else.</summary>
    public required string InstanceSecret { get; init; }

    /// <summary>Seconds the registration lives without a renewal.</summary>
    public required int LeaseSeconds { get; init; }
}

/// <summary>
/// <c>PUT /v1/registry/instances/{id}/lease</c> with <c>Authorization: Bearer &lt;instance secret&gt;</c>: renews the lease.
/// 200 with a <see cref="RenewLeaseResponse"/>; 404 when the registry no longer knows the instance (register again).
/// </summary>
public sealed record RenewLeaseRequest
{
    /// <summary>The service version now running; a change makes the registry fetch the descriptor again.</summary>
    public required string Version { get; init; }

    /// <summary>SHA-256 (hex) of the descriptor's functions and models; a change makes the registry refetch it.</summary>
    public required string DescriptorHash { get; init; }
}

/// <summary>The registry's answer to a renewal.</summary>
public sealed record RenewLeaseResponse
{
    public required int LeaseSeconds { get; init; }

    /// <summary>The instance's state as the registry sees it: <c>registering</c>, <c>ready</c>, <c>unhealthy</c>.</summary>
    public string? State { get; init; }
}
