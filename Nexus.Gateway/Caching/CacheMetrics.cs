using System.Diagnostics.Metrics;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Caching;

/// <summary>The response cache's counter on the gateway's meter: <c>nexus.gateway.cache</c> by outcome (hit, miss, stored).</summary>
internal sealed class CacheMetrics(IMeterFactory factory)
{
    private readonly Counter<long> _lookups = factory.Create(GatewayMetrics.MeterName)
        .CreateCounter<long>("nexus.gateway.cache", "{request}", "Cacheable requests by outcome: hit, miss, and stored (a miss whose answer was kept).");

    public void Hit() => _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "hit"));

    public void Miss() => _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "miss"));

    public void Stored() => _lookups.Add(1, new KeyValuePair<string, object?>("outcome", "stored"));
}
