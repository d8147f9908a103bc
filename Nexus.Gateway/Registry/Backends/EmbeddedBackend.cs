using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Registry.Backends;

/// <summary>Registrations in this gateway's memory, for a single gateway: leases are timestamps that a sweep expires.</summary>
internal sealed class EmbeddedBackend(ServiceRegistry registry, IOptions<RegistryOptions> options, TimeProvider time) : IRegistryBackend
{
    public string Name => "embedded";

    public Task<long> CreateAsync(InstanceRecord record, long? previousLeaseId, CancellationToken cancellationToken)
    {
        registry.Upsert(record, 0, Expiry(record));
        return Task.FromResult(0L);
    }

    public Task<bool> RenewAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken) =>
        Task.FromResult(registry.Renewed(record.InstanceId, Expiry(record)));

    public Task UpdateAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken)
    {
        registry.Upsert(record, leaseId, Expiry(record));
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string instanceId, long leaseId, CancellationToken cancellationToken)
    {
        registry.Remove(instanceId, "deregistered");
        return Task.CompletedTask;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // A quarter of the lease (at most a second) bounds how long past its lease an instance lingers.
        var period = TimeSpan.FromSeconds(Math.Min(1.0, options.Value.LeaseSeconds / 4.0));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            registry.ExpireLeases(time.GetUtcNow());
        }
    }

    private DateTimeOffset Expiry(InstanceRecord record) => time.GetUtcNow().AddSeconds(record.LeaseSeconds);
}
