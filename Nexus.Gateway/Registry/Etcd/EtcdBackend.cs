using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Mvccpb;
using Nexus.Contract;
using Nexus.Gateway.Registry.Backends;

namespace Nexus.Gateway.Registry.Etcd;

/// <summary>
/// Registrations as etcd keys (<c>{prefix}{instanceId}</c>, the record as JSON) attached to a lease of the
/// registration's length, so etcd itself removes an instance that stops renewing. Every gateway watches the
/// prefix and so sees every registration, renewal-driven update and expiry, whichever gateway handled it.
/// Over etcd's gRPC API (dotnet-etcd); each call has <see cref="EtcdOptions.RequestTimeout"/> as its deadline.
/// </summary>
internal sealed partial class EtcdBackend(
    EtcdClient etcd,
    ServiceRegistry registry,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<EtcdBackend> logger) : IRegistryBackend
{
    private readonly string _prefix = options.Value.Etcd.Prefix;
    private readonly TimeSpan _timeout = options.Value.Etcd.RequestTimeout;

    public string Name => "etcd";

    /// <summary>Whether the watch is established; the gateway's readiness reports it.</summary>
    public bool Connected { get; private set; }

    public string? LastError { get; private set; }

    public async Task<long> CreateAsync(InstanceRecord record, long? previousLeaseId, CancellationToken cancellationToken)
    {
        var lease = await CallAsync("grant a lease", deadline => etcd.LeaseGrantAsync(new LeaseGrantRequest { TTL = record.LeaseSeconds }, deadline: deadline, cancellationToken: cancellationToken), cancellationToken);
        if (lease.ID == 0) throw new EtcdException("etcd granted no lease: " + lease.Error);
        await PutAsync(record, lease.ID, cancellationToken);
        // The key now hangs on the new lease, so revoking the old one deletes nothing but the lease.
        if (previousLeaseId is { } previous and not 0) await RevokeAsync(previous, cancellationToken);
        registry.Upsert(record, lease.ID, Expiry(record));
        return lease.ID;
    }

    public async Task<bool> RenewAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken)
    {
        // One keep-alive on its own stream: renewals arrive one by one over HTTP, a third of a lease apart.
        long ttl = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        await CallAsync("renew a lease", async _ =>
        {
            await etcd.LeaseKeepAlive(new LeaseKeepAliveRequest { ID = leaseId }, response => ttl = response.TTL, timeout.Token);
            return true;
        }, cancellationToken);
        // An expired or revoked lease is answered with its id and no TTL.
        if (ttl <= 0) return false;
        registry.Renewed(record.InstanceId, Expiry(record));
        return true;
    }

    public async Task UpdateAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken)
    {
        await PutAsync(record, leaseId, cancellationToken);
        registry.Upsert(record, leaseId, Expiry(record));
    }

    public async Task DeleteAsync(string instanceId, long leaseId, CancellationToken cancellationToken)
    {
        await CallAsync("delete a key", deadline => etcd.DeleteAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(Key(instanceId)) }, deadline: deadline, cancellationToken: cancellationToken), cancellationToken);
        if (leaseId != 0) await RevokeAsync(leaseId, cancellationToken);
        registry.Remove(instanceId, "deregistered");
    }

    /// <summary>Asks etcd for its status within the request timeout: readiness checks that etcd answers, not only that a watch once started.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        CallAsync("report its status", deadline => etcd.StatusAsync(new StatusRequest(), deadline: deadline, cancellationToken: cancellationToken), cancellationToken);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            long watchId = 0;
            try
            {
                // List, then watch from the next revision: no change between the two is missed.
                var listing = await CallAsync("list the registry", deadline => etcd.GetRangeAsync(_prefix, deadline: deadline, cancellationToken: cancellationToken), cancellationToken);
                var records = listing.Kvs.Select(Parse).OfType<(InstanceRecord, long)>().ToList();
                registry.ReplaceAll(records, "removed from etcd while this gateway was not watching");

                // The client resumes a broken watch stream from the last revision it delivered; only a watch etcd
                // itself cancels (its history compacted past that revision) needs a fresh listing.
                var cancelled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                var request = new WatchRequest
                {
                    CreateRequest = new WatchCreateRequest
                    {
                        Key = ByteString.CopyFromUtf8(_prefix),
                        RangeEnd = ByteString.CopyFromUtf8(EtcdClient.GetRangeEnd(_prefix)),
                        StartRevision = listing.Header.Revision + 1,
                    },
                };
                watchId = await CallAsync("watch the registry", _ => etcd.WatchAsync(request, response =>
                {
                    if (response.Canceled) cancelled.TrySetResult($"compacted to {response.CompactRevision}: {response.CancelReason}");
                    foreach (var change in response.Events) Apply(change);
                }, cancellationToken: cancellationToken), cancellationToken);
                Connected = true;
                LastError = null;
                failures = 0;
                LogWatching(logger, _prefix, listing.Header.Revision, records.Count);

                throw new EtcdException("etcd cancelled the watch (" + await cancelled.Task.WaitAsync(cancellationToken) + ").");
            }
            catch (Exception ex) when (ex is EtcdException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                Connected = false;
                LastError = ex.Message;
                var delay = TimeSpan.FromMilliseconds(Math.Min(200 * Math.Pow(2, failures++), 5000));
                LogWatchFailed(logger, delay.TotalSeconds, ex.Message);
                await Task.Delay(delay, time, cancellationToken);
            }
            finally
            {
                if (watchId != 0) etcd.CancelWatch(watchId);
            }
        }
    }

    private Task PutAsync(InstanceRecord record, long leaseId, CancellationToken cancellationToken) =>
        CallAsync("store a registration", deadline => etcd.PutAsync(
            new PutRequest { Key = ByteString.CopyFromUtf8(Key(record.InstanceId)), Value = ByteString.CopyFrom(Serialize(record)), Lease = leaseId },
            deadline: deadline, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Ends a lease, deleting its keys; a lease that is already gone counts as revoked.</summary>
    private async Task RevokeAsync(long leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync("revoke a lease", deadline => etcd.LeaseRevokeAsync(new LeaseRevokeRequest { ID = leaseId }, deadline: deadline, cancellationToken: cancellationToken), cancellationToken);
        }
        catch (EtcdException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.NotFound })
        {
            // Already expired.
        }
    }

    /// <summary>One etcd call with the request timeout as its deadline; its failures, a missed deadline included, become <see cref="EtcdException"/>.</summary>
    private async Task<T> CallAsync<T>(string what, Func<DateTime, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(time.GetUtcNow().UtcDateTime + _timeout);
        }
        catch (RpcException ex)
        {
            throw new EtcdException($"etcd could not {what}: {ex.Status.Detail}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EtcdException($"etcd did not {what} within {_timeout.TotalSeconds:0.#} s.", ex);
        }
    }

    private void Apply(Event change)
    {
        var instanceId = change.Kv.Key.ToStringUtf8()[_prefix.Length..];
        if (change.Type == Event.Types.EventType.Delete)
        {
            // etcd does not say whether the key was deleted or its lease ran out.
            registry.Remove(instanceId, "deregistered or lease expired");
            return;
        }

        if (Parse(change.Kv) is { } parsed) registry.Upsert(parsed.Record, parsed.LeaseId, Expiry(parsed.Record));
    }

    private (InstanceRecord Record, long LeaseId)? Parse(KeyValue kv)
    {
        try
        {
            var record = JsonSerializer.Deserialize<InstanceRecord>(kv.Value.Span, NexusJson.Options);
            if (record is not null) return (record, kv.Lease);
        }
        catch (JsonException ex)
        {
            LogUnreadable(logger, kv.Key.ToStringUtf8(), ex.Message);
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
