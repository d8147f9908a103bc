using System.Runtime.CompilerServices;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Routing;

/// <summary>
/// The registry when none is wired into the host: knows no instance, so only static routes serve. Registered with
/// TryAdd, so the real registry, added before the gateway's features, replaces it.
/// </summary>
internal sealed class NoServiceRegistry : IServiceRegistry
{
    public IReadOnlyList<RegisteredInstance> Snapshot() => [];

    public RegisteredInstance? Find(string instanceId) => null;

    public IReadOnlyList<RegisteredInstance> ReadyForService(string serviceName) => [];

    public IReadOnlyList<RegisteredInstance> ReadyForModel(string modelId) => [];

    public async IAsyncEnumerable<RegistryChange> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield break;
    }
}
