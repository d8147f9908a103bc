using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Routing;

/// <summary>
/// Power of two choices over least outstanding requests, skipping instances whose circuit is open,
/// and the passive health signal fed back to the registry.
/// </summary>
internal sealed class LoadBalancer(IServiceRegistry registry, IOptionsMonitor<GatewayOptions> options, TimeProvider time, Random random, ILogger<LoadBalancer> logger)
{
    private readonly ConcurrentDictionary<string, InstanceHealth> _health = new(StringComparer.Ordinal);

    public Upstream? Pick(IReadOnlyList<Upstream> candidates, ICollection<string> tried)
    {
        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        var open = new List<Upstream>(candidates.Count);
        foreach (var candidate in candidates)
        {
            if (!tried.Contains(candidate.InstanceId) && !HealthOf(candidate.InstanceId).IsOpen(now, settings.CircuitFailureThreshold)) open.Add(candidate);
        }

        while (open.Count > 0)
        {
            var choice = open.Count == 1 ? open[0] : Better(open, random);
            if (HealthOf(choice.InstanceId).TryAdmit(now, settings.CircuitBreakDuration, settings.CircuitFailureThreshold)) return choice;
            open.Remove(choice);
        }

        return null;
    }

    public InstanceHealth HealthOf(string instanceId)
    {
        if (_health.Count > 10_000) Forget();
        return _health.GetOrAdd(instanceId, static _ => new InstanceHealth());
    }

    public void ReportSuccess(Upstream upstream)
    {
        HealthOf(upstream.InstanceId).Succeeded();
        if (upstream.FromRegistry) registry.ReportSuccess(upstream.InstanceId);
    }

    public void ReportFailure(Upstream upstream)
    {
        var settings = options.CurrentValue;
        if (HealthOf(upstream.InstanceId).Failed(time.GetUtcNow(), settings.CircuitBreakDuration, settings.CircuitFailureThreshold))
        {
            GatewayLog.CircuitOpened(logger, upstream.InstanceId, settings.CircuitBreakDuration);
        }

        if (upstream.FromRegistry) registry.ReportFailure(upstream.InstanceId);
    }

    private Upstream Better(List<Upstream> open, Random rng)
    {
        var first = rng.Next(open.Count);
        var second = rng.Next(open.Count - 1);
        if (second >= first) second++;
        var a = open[first];
        var b = open[second];
        return HealthOf(a.InstanceId).Outstanding <= HealthOf(b.InstanceId).Outstanding ? a : b;
    }

    // Instances come and go with the registry; an idle entry (no load, not used for an hour) is dropped so memory stays flat.
    private void Forget()
    {
        var cutoff = time.GetUtcNow().AddHours(-1);
        foreach (var (id, health) in _health)
        {
            if (health.Outstanding == 0 && health.LastUsed < cutoff) _health.TryRemove(id, out _);
        }
    }
}
