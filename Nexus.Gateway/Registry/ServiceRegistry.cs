using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Gateway.Registry.Health;

namespace Nexus.Gateway.Registry;

/// <summary>
/// This gateway's view of the registry: the registrations a backend holds, combined with the health this gateway
/// observes. Writers (backends, the prober) take a lock; readers get an immutable snapshot without one, because
/// routing reads on every request. The snapshot is indexed when it is built (on a registration, renewal or probe
/// result), so routing a request is a dictionary lookup that returns a prebuilt array, not a scan that allocates.
/// </summary>
internal sealed partial class ServiceRegistry(IOptions<RegistryOptions> options, TimeProvider time, ILogger<ServiceRegistry> logger) : IServiceRegistry
{
    /// <summary>A watcher that falls this far behind is disconnected and must watch again.</summary>
    private const int WatchBuffer = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<Channel<RegistryChange>> _watchers = [];
    private readonly RegistryHealthOptions _health = options.Value.Health;
    private readonly GoneServices _gone = new(options.Value.GoneServiceGrace, time);
    private SnapshotIndex _index = SnapshotIndex.Empty;
    private long _revision;

    public IReadOnlyList<RegisteredInstance> Snapshot() => Volatile.Read(ref _index).All;

    public RegisteredInstance? Find(string instanceId) => Volatile.Read(ref _index).ById.GetValueOrDefault(instanceId);

    public IReadOnlyList<RegisteredInstance> ReadyForService(string serviceName) =>
        Volatile.Read(ref _index).ReadyByService.GetValueOrDefault(serviceName) ?? [];

    public IReadOnlyList<RegisteredInstance> ReadyForModel(string modelId) =>
        Volatile.Read(ref _index).ReadyByModel.GetValueOrDefault(modelId) ?? [];

    public bool IsKnownService(string serviceName) =>
        Volatile.Read(ref _index).Services.Contains(serviceName) || _gone.HasService(serviceName);

    public bool IsKnownModel(string modelId) =>
        Volatile.Read(ref _index).Models.Contains(modelId) || _gone.HasModel(modelId);

    public async IAsyncEnumerable<RegistryChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<RegistryChange>(new BoundedChannelOptions(WatchBuffer) { SingleReader = true });
        lock (_gate)
        {
            foreach (var entry in _entries.Values.OrderBy(e => e.Record.RegisteredAt))
            {
                channel.Writer.TryWrite(new RegistryChange(_revision, RegistryChangeKind.Added, entry.Instance));
            }

            _watchers.Add(channel);
        }

        try
        {
            await foreach (var change in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return change;
            }
        }
        finally
        {
            lock (_gate) _watchers.Remove(channel);
        }
    }

    /// <summary>The stored record and lease of an instance, for renewals and deregistration.</summary>
    internal (InstanceRecord Record, long LeaseId)? FindRecord(string instanceId)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(instanceId, out var entry) ? (entry.Record, entry.LeaseId) : null;
        }
    }

    /// <summary>Adds or replaces a registration. A new secret means a new registration, which starts again as registering.</summary>
    internal void Upsert(InstanceRecord record, long leaseId, DateTimeOffset leaseExpiresAt)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(record.InstanceId, out var entry))
            {
                entry = new Entry(record, leaseId, leaseExpiresAt, new ProbeHealth(_health));
                _entries[record.InstanceId] = entry;
                LogAdded(logger, record.InstanceId, record.Descriptor.Name, record.BaseUrl);
                Publish(RegistryChangeKind.Added, entry);
                return;
            }

            var changed = !SameRecord(entry.Record, record) || entry.LeaseId != leaseId;
            if (!string.Equals(entry.Record.SecretHash, record.SecretHash, StringComparison.Ordinal))
            {
                entry.Health = new ProbeHealth(_health);
                changed = true;
            }

            entry.Record = record;
            entry.LeaseId = leaseId;
            entry.LeaseExpiresAt = leaseExpiresAt;
            if (changed) Publish(RegistryChangeKind.Updated, entry);
            else Rebuild(entry);
        }
    }

    /// <summary>Records a renewal; false when the instance is unknown.</summary>
    internal bool Renewed(string instanceId, DateTimeOffset leaseExpiresAt)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(instanceId, out var entry)) return false;
            entry.LeaseExpiresAt = leaseExpiresAt;
            Rebuild(entry);
            return true;
        }
    }

    /// <summary>Removes an instance; it is reported once, as gone, with the reason.</summary>
    internal bool Remove(string instanceId, string reason)
    {
        lock (_gate)
        {
            if (!_entries.Remove(instanceId, out var entry)) return false;
            LogRemoved(logger, instanceId, reason);
            _gone.Remember(entry.Record.Descriptor);
            var gone = entry.Instance with { State = InstanceState.Gone, StateReason = reason };
            PublishRemoved(gone);
            return true;
        }
    }

    /// <summary>Makes the view equal to a backend's full listing (after a reconnect to etcd, say).</summary>
    internal void ReplaceAll(IReadOnlyCollection<(InstanceRecord Record, long LeaseId)> records, string reason)
    {
        var ids = records.Select(r => r.Record.InstanceId).ToHashSet(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var id in _entries.Keys.Where(id => !ids.Contains(id)).ToList()) Remove(id, reason);
            // A listing does not carry the time a lease has left; a full lease from now is the closest honest guess.
            var now = time.GetUtcNow();
            foreach (var (record, leaseId) in records) Upsert(record, leaseId, now.AddSeconds(record.LeaseSeconds));
        }
    }

    /// <summary>Removes every instance whose lease ran out before <paramref name="now"/>; returns their ids.</summary>
    internal IReadOnlyList<string> ExpireLeases(DateTimeOffset now)
    {
        lock (_gate)
        {
            var expired = _entries.Values.Where(e => e.LeaseExpiresAt <= now).Select(e => e.Record.InstanceId).ToList();
            foreach (var id in expired) Remove(id, "lease expired");
            return expired;
        }
    }

    /// <summary>What the prober should check: each instance's health URL.</summary>
    internal IReadOnlyList<(string InstanceId, Uri HealthUrl)> ProbeTargets()
    {
        lock (_gate)
        {
            return [.. _entries.Values.Select(e => (e.Record.InstanceId, HealthUrl(e.Record)))];
        }
    }

    /// <summary>Applies an active probe's result; ignored when the instance left meanwhile.</summary>
    internal void ApplyProbe(string instanceId, bool healthy, string? failure)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(instanceId, out var entry) || !entry.Health.OnProbe(healthy, failure)) return;
            LogStateChanged(logger, instanceId, entry.Health.State, entry.Health.Reason ?? "healthy");
            Publish(RegistryChangeKind.Updated, entry);
        }
    }

    internal static Uri HealthUrl(InstanceRecord record) =>
        new(new Uri(record.BaseUrl.TrimEnd('/') + "/"), record.Descriptor.Endpoints.Health.TrimStart('/'));

    private static bool SameRecord(InstanceRecord a, InstanceRecord b) =>
        string.Equals(JsonSerializer.Serialize(a, NexusJson.Options), JsonSerializer.Serialize(b, NexusJson.Options), StringComparison.Ordinal);

    private void Publish(RegistryChangeKind kind, Entry entry)
    {
        Rebuild(entry);
        Broadcast(new RegistryChange(++_revision, kind, entry.Instance));
    }

    private void PublishRemoved(RegisteredInstance gone)
    {
        RebuildSnapshot();
        Broadcast(new RegistryChange(++_revision, RegistryChangeKind.Removed, gone));
    }

    private void Broadcast(RegistryChange change)
    {
        foreach (var watcher in _watchers.ToList())
        {
            if (watcher.Writer.TryWrite(change)) continue;
            // Too far behind: end its stream rather than block the registry or drop events silently; a client that
            // watches again starts from a fresh snapshot.
            watcher.Writer.TryComplete();
            _watchers.Remove(watcher);
        }
    }

    private void Rebuild(Entry entry)
    {
        entry.Instance = new RegisteredInstance
        {
            InstanceId = entry.Record.InstanceId,
            BaseUrl = new Uri(entry.Record.BaseUrl),
            Descriptor = entry.Record.Descriptor,
            State = entry.Health.State,
            StateReason = entry.Health.Reason,
            RegisteredAt = entry.Record.RegisteredAt,
            LeaseExpiresAt = entry.LeaseExpiresAt,
        };
        RebuildSnapshot();
    }

    private void RebuildSnapshot() => Volatile.Write(
        ref _index,
        SnapshotIndex.Of([.. _entries.Values.Select(e => e.Instance).OrderBy(i => i.ServiceName, StringComparer.Ordinal).ThenBy(i => i.InstanceId, StringComparer.Ordinal)]));

    /// <summary>One snapshot with what routing asks of it answered in advance; replaced whole, never changed.</summary>
    private sealed record SnapshotIndex(
        RegisteredInstance[] All,
        Dictionary<string, RegisteredInstance> ById,
        Dictionary<string, RegisteredInstance[]> ReadyByService,
        Dictionary<string, RegisteredInstance[]> ReadyByModel,
        HashSet<string> Services,
        HashSet<string> Models)
    {
        public static readonly SnapshotIndex Empty = Of([]);

        // In snapshot order, so each array keeps the order a scan of the snapshot would give.
        public static SnapshotIndex Of(RegisteredInstance[] all)
        {
            var byId = new Dictionary<string, RegisteredInstance>(StringComparer.Ordinal);
            var services = new HashSet<string>(StringComparer.Ordinal);
            var models = new HashSet<string>(StringComparer.Ordinal);
            var readyByService = new Dictionary<string, List<RegisteredInstance>>(StringComparer.Ordinal);
            var readyByModel = new Dictionary<string, List<RegisteredInstance>>(StringComparer.Ordinal);
            foreach (var instance in all)
            {
                byId.TryAdd(instance.InstanceId, instance);
                services.Add(instance.ServiceName);
                var ready = instance.State == InstanceState.Ready;
                if (ready) Add(readyByService, instance.ServiceName, instance);
                foreach (var model in instance.Descriptor.Models ?? [])
                {
                    models.Add(model.Id);
                    // A catalog that lists a model twice still routes to its instance once.
                    if (ready && model.Ready && !(readyByModel.TryGetValue(model.Id, out var list) && list.Count > 0 && ReferenceEquals(list[^1], instance)))
                    {
                        Add(readyByModel, model.Id, instance);
                    }
                }
            }

            return new(all, byId, Frozen(readyByService), Frozen(readyByModel), services, models);
        }

        private static void Add(Dictionary<string, List<RegisteredInstance>> lists, string key, RegisteredInstance instance)
        {
            if (!lists.TryGetValue(key, out var list)) lists[key] = list = [];
            list.Add(instance);
        }

        private static Dictionary<string, RegisteredInstance[]> Frozen(Dictionary<string, List<RegisteredInstance>> lists) =>
            lists.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    private sealed class Entry
    {
        public Entry(InstanceRecord record, long leaseId, DateTimeOffset leaseExpiresAt, ProbeHealth health)
        {
            Record = record;
            LeaseId = leaseId;
            LeaseExpiresAt = leaseExpiresAt;
            Health = health;
            Instance = null!;
        }

        public InstanceRecord Record { get; set; }
        public long LeaseId { get; set; }
        public DateTimeOffset LeaseExpiresAt { get; set; }
        public ProbeHealth Health { get; set; }
        public RegisteredInstance Instance { get; set; }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Information, Message = "Instance {InstanceId} of {Service} registered at {BaseUrl}.")]
    private static partial void LogAdded(ILogger logger, string instanceId, string service, string baseUrl);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Instance {InstanceId} removed: {Reason}.")]
    private static partial void LogRemoved(ILogger logger, string instanceId, string reason);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Instance {InstanceId} is now {State} ({Reason}).")]
    private static partial void LogStateChanged(ILogger logger, string instanceId, InstanceState state, string? reason);
}
