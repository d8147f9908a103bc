using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Nexus.Gateway.Security;

namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>DNS the test controls: names it was told about resolve as told (and may change, as in DNS rebinding); others fail.</summary>
internal sealed class FakeHostResolver : IHostResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

    public void Set(string host, params string[] addresses) => _names[host] = [.. addresses.Select(IPAddress.Parse)];

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
}
