using System.Text.Json;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Gateway.Registry.Backends;

namespace Nexus.Gateway.Registry.Etcd;

/// <summary>
/// Registrations as etcd keys (<c>{prefix}{instanceId}</c>, the record as JSON) attached to a lease of the
/// registration's length, so etcd itself removes an instance that stops renewing. Every gateway watches the
/// prefix and so sees every registration, renewal-driven update and expiry, whichever gateway handled it.
/// </summary>
internal sealed partial class EtcdBackend(
    EtcdClient etcd,
    ServiceRegistry registry,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<EtcdBackend> logger) : IRegistryBackend
{
    private readonly string _prefix = options.Value.Etcd.Prefix;

    public string Name => "etcd";

    /// <summary>Whether the watch is established; the gateway's readiness reports it.</summary>
    public bool Connected { get; private set; }

    public string? LastError { get; private set; }

    public async Task<long> CreateAsync(InstanceRecord record, long? previousLeaseId, CancellationToken cancellationToken)
    {
        var leaseId = await etcd.GrantLeaseAsync(record.LeaseSeconds, cancellationToken);
        await etcd.PutAsync(Key(record.InstanceId), Serialize(record), leaseId, cancellationToken);
        // The key now hangs on the new lease, so revoking the old one deletes nothing but the lease.
        if (previousLeaseId is { } previous and not 0) await etcd.RevokeLeaseAsync(previous, cancellationToken);
        registry.Upsert(record, leaseId, Expiry(record));
        return leaseId;
    }

    public async Task<bool> RenewAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken)
    {
        if (!await etcd.KeepAliveAsync(leaseId, cancellationToken)) return false;
        registry.Renewed(record.InstanceId, Expiry(record));
        return true;
    }

    public async Task UpdateAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken)
    {
        await etcd.PutAsync(Key(record.InstanceId), Serialize(record), leaseId, cancellationToken);
        registry.Upsert(record, leaseId, Expiry(record));
    }

    public async Task DeleteAsync(string instanceId, long leaseId, CancellationToken cancellationToken)
    {
        await etcd.DeleteAsync(Key(instanceId), cancellationToken);
        if (leaseId != 0) await etcd.RevokeLeaseAsync(leaseId, cancellationToken);
        registry.Remove(instanceId, "deregistered");
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // List, then watch from the next revision: no change between the two is missed.
                var listing = await etcd.RangePrefixAsync(_prefix, cancellationToken);
                var records = (listing.Kvs ?? []).Select(Parse).OfType<(InstanceRecord, long)>().ToList();
                registry.ReplaceAll(records, "removed from etcd while this gateway was not watching");
                Connected = true;
                LastError = null;
                failures = 0;
                LogWatching(logger, _prefix, listing.Header.Revision, records.Count);

                await foreach (var change in etcd.WatchPrefixAsync(_prefix, listing.Header.Revision + 1, cancellationToken))
                {
                    Apply(change);
                }
            }
            catch (Exception ex) when (ex is EtcdException or HttpRequestException or IOException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                Connected = false;
                LastError = ex.Message;
                var delay = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, failures++), 5000));
                LogWatchFailed(logger, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    private void Apply(EtcdEvent change)
    {
        var instanceId = EtcdClient.Decode(change.Kv.Key)[_prefix.Length..];
        if (change.IsDelete)
        {
            // etcd does not say whether the key was deleted or its lease ran out.
            registry.Remove(instanceId, "deregistered or lease expired");
            return;
        }

        if (Parse(change.Kv) is { } parsed) registry.Upsert(parsed.Record, parsed.LeaseId, Expiry(parsed.Record));
    }

    private (InstanceRecord Record, long LeaseId)? Parse(EtcdKeyValue kv)
    {
        try
        {
            var record = JsonSerializer.Deserialize<InstanceRecord>(Convert.FromBase64String(kv.Value ?? string.Empty), NexusJson.Options);
            if (record is not null) return (record, kv.Lease);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            LogUnreadable(logger, EtcdClient.Decode(kv.Key), ex.Message);
        }

        return null;
    }

    private string Key(string instanceId) => _prefix + instanceId;

    private static byte[] Serialize(InstanceRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, NexusJson.Options);

    private DateTimeOffset Expiry(InstanceRecord record) => time.GetUtcNow().AddSeconds(record.LeaseSeconds);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Information, Message = "Watching etcd prefix {Prefix} from revision {Revision} ({Count} instances).")]
    private static partial void LogWatching(ILogger logger, string prefix, long revision, int count);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "The etcd watch failed; listing and watching again in {DelaySeconds:0.0}s: {Reason}")]
    private static partial void LogWatchFailed(ILogger logger, double delaySeconds, string reason);

    [LoggerMessage(EventId = 4032, Level = LogLevel.Warning, Message = "Ignoring etcd key {Key}: its value is not a registration ({Reason}).")]
    private static partial void LogUnreadable(ILogger logger, string key, string reason);
}
