using Microsoft.Extensions.Options;
using Nexus.Gateway.Routing.Health;

namespace Nexus.Gateway.Routing;

/// <summary>Power of two choices over least outstanding requests, skipping instances whose circuit is open.</summary>
internal sealed class LoadBalancer(PassiveHealth health, IOptionsMonitor<GatewayOptions> options, TimeProvider time, Random random)
{
    public Upstream? Pick(IReadOnlyList<Upstream> candidates, ICollection<string> tried)
    {
        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        // One candidate, the usual route: no choice to make, so no list to make it from.
        if (candidates.Count == 1)
        {
            var only = candidates[0];
            var state = health.StateOf(only.InstanceId);
            return !tried.Contains(only.InstanceId) && !state.IsOpen(now, settings.CircuitFailureThreshold)
                && state.TryAdmit(now, settings.CircuitBreakDuration, settings.CircuitFailureThreshold) ? only : null;
        }

        var open = new List<Upstream>(candidates.Count);
        foreach (var candidate in candidates)
        {
            if (!tried.Contains(candidate.InstanceId) && !health.StateOf(candidate.InstanceId).IsOpen(now, settings.CircuitFailureThreshold)) open.Add(candidate);
        }

        while (open.Count > 0)
        {
            var choice = open.Count == 1 ? open[0] : Better(open, random);
            if (health.StateOf(choice.InstanceId).TryAdmit(now, settings.CircuitBreakDuration, settings.CircuitFailureThreshold)) return choice;
            open.Remove(choice);
        }

        return null;
    }

    private Upstream Better(List<Upstream> open, Random rng)
    {
        var first = rng.Next(open.Count);
        var second = rng.Next(open.Count - 1);
        if (second >= first) second++;
        var a = open[first];
        var b = open[second];
        return health.StateOf(a.InstanceId).Outstanding <= health.StateOf(b.InstanceId).Outstanding ? a : b;
    }
}
