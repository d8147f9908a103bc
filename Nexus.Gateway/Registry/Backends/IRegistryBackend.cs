namespace Nexus.Gateway.Registry.Backends;

/// <summary>
/// Where registrations live and how their leases run out. Each operation also updates this gateway's
/// <see cref="ServiceRegistry"/> so that a client sees its own write at once; a shared backend's watch brings the
/// same change to every other gateway.
/// </summary>
internal interface IRegistryBackend
{
    /// <summary>A short name for logs and the README: <c>embedded</c> or <c>etcd</c>.</summary>
    string Name { get; }

    /// <summary>Stores a new registration, replacing any with the same instance id; returns its lease id.</summary>
    Task<long> CreateAsync(InstanceRecord record, long? previousLeaseId, CancellationToken cancellationToken);

    /// <summary>Extends a lease; false when the backend no longer holds it (the instance must register again).</summary>
    Task<bool> RenewAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken);

    /// <summary>Replaces a registration's record (a refetched descriptor) under the same lease.</summary>
    Task UpdateAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken);

    /// <summary>Removes a registration and ends its lease.</summary>
    Task DeleteAsync(string instanceId, long leaseId, CancellationToken cancellationToken);

    /// <summary>Keeps this gateway's view in step with the backend until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
