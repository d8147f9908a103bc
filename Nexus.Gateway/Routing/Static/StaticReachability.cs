using System.Collections.Concurrent;

namespace Nexus.Gateway.Routing.Static;

/// <summary>
/// Which static upstreams the last probe could not reach. Routing and <c>/v1/models</c> leave those out; an upstream
/// not probed yet counts as reachable. <see cref="Version"/> changes with every change, so routing rebuilds its
/// prebuilt upstream lists only then.
/// </summary>
internal sealed class StaticReachability
{
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);
    private int _version;

    public int Version => Volatile.Read(ref _version);

    public bool IsDown(string upstreamId) => _down.ContainsKey(upstreamId);

    public void Set(string upstreamId, bool reachable)
    {
        var changed = reachable ? _down.TryRemove(upstreamId, out _) : _down.TryAdd(upstreamId, true);
        if (changed) Interlocked.Increment(ref _version);
    }
}
