using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Nexus.Contract;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>A registry holding what a test puts in it.</summary>
public sealed class TestRegistry : IServiceRegistry
{
    private readonly ConcurrentDictionary<string, RegisteredInstance> _instances = new();

    public void Add(string instanceId, Uri baseUrl, string service, IEnumerable<string> models, InstanceState state = InstanceState.Ready, IDictionary<string, string>? labels = null)
    {
        _instances[instanceId] = new RegisteredInstance
        {
            InstanceId = instanceId,
            BaseUrl = baseUrl,
            State = state,
            RegisteredAt = DateTimeOffset.UtcNow,
            LeaseExpiresAt = DateTimeOffset.UtcNow.AddMinutes(1),
            Descriptor = new NexusServiceDescriptor
            {
                Name = service,
                Version = "1.0.0",
                Kind = ServiceKinds.Inference,
                InstanceId = instanceId,
                Labels = new Dictionary<string, string>(labels ?? new Dictionary<string, string>()),
                Models = models.Select(m => new ModelDescriptor { Id = m }).ToList(),
            },
        };
    }

    public void Add(RegisteredInstance instance) => _instances[instance.InstanceId] = instance;

    public IReadOnlyList<RegisteredInstance> Snapshot() => _instances.Values.ToList();

    public RegisteredInstance? Find(string instanceId) => _instances.GetValueOrDefault(instanceId);

    public IReadOnlyList<RegisteredInstance> ReadyForService(string serviceName) =>
        _instances.Values.Where(i => i.State == InstanceState.Ready && i.ServiceName == serviceName).ToList();

    public IReadOnlyList<RegisteredInstance> ReadyForModel(string modelId) =>
        _instances.Values.Where(i => i.State == InstanceState.Ready && i.Descriptor.Models?.Any(m => m.Id == modelId && m.Ready) == true).ToList();

    public async IAsyncEnumerable<RegistryChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
