using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Routing.Health;

namespace Nexus.Gateway.Routing;

/// <summary>A canary's state as the admin API shows it.</summary>
public sealed record CanaryStatus(string Route, string Version, int WeightPercent, bool RolledBack, long CanaryRequests, long CanaryFailures, long StableRequests, long StableFailures);

/// <summary>
/// Weighted splits between a route's old and new version, with automatic rollback: once the new version has served
/// <see cref="CanaryRule.MinRequests"/> requests and its error rate exceeds the old version's by more than the
/// margin, it gets no more traffic until an operator resets it. Failures are those <see cref="PassiveHealth.Classify"/>
/// counts against an instance, so one tenant's malformed requests cannot roll a canary back.
/// </summary>
internal sealed class CanaryRouter(IOptionsMonitor<GatewayOptions> options, PassiveHealth health, TimeProvider time, Random random, ILogger<CanaryRouter> logger)
{
    private readonly ConcurrentDictionary<string, CanaryState> _states = new(StringComparer.Ordinal);

    /// <summary>The candidates of one side of the split, or all of them when the route has no active canary.</summary>
    public CanaryRule? RuleFor(string route) => options.CurrentValue.Canaries.GetValueOrDefault(route);

    /// <summary>The candidates of one side of the split.</summary>
    public IReadOnlyList<Upstream> Split(string route, CanaryRule rule, IReadOnlyList<Upstream> candidates)
    {
        // A canary whose circuits are all open gets no share: its requests would only fail.
        var now = time.GetUtcNow();
        var canary = candidates.Where(u => u.Version == rule.Version && !health.IsOpen(u, now)).ToList();
        var stable = candidates.Where(u => u.Version != rule.Version).ToList();
        if (canary.Count == 0 || stable.Count == 0) return candidates;
        if (State(route).RolledBack) return stable;
        return random.Next(100) < rule.WeightPercent ? canary : stable;
    }

    /// <summary>Counts the outcome of a request that <paramref name="upstream"/> answered; a neutral one is not counted.</summary>
    public void Record(string route, CanaryRule rule, Upstream? upstream, AttemptOutcome outcome)
    {
        if (upstream is null || outcome == AttemptOutcome.Neutral) return;
        var state = State(route);
        if (state.Record(upstream.Version == rule.Version, outcome == AttemptOutcome.Failure, rule)) GatewayLog.CanaryRolledBack(logger, route, rule.Version);
    }

    public IReadOnlyList<CanaryStatus> Statuses() =>
        options.CurrentValue.Canaries.Select(c => State(c.Key).Status(c.Key, c.Value)).ToList();

    public bool Reset(string route)
    {
        if (!options.CurrentValue.Canaries.ContainsKey(route)) return false;
        _states.TryRemove(route, out _);
        return true;
    }

    private CanaryState State(string route) => _states.GetOrAdd(route, static _ => new CanaryState());

    private sealed class CanaryState
    {
        private readonly Lock _lock = new();
        private long _canaryRequests, _canaryFailures, _stableRequests, _stableFailures;

        public bool RolledBack { get; private set; }

        /// <returns>True when this outcome triggered the rollback.</returns>
        public bool Record(bool isCanary, bool failed, CanaryRule rule)
        {
            lock (_lock)
            {
                if (isCanary)
                {
                    _canaryRequests++;
                    if (failed) _canaryFailures++;
                }
                else
                {
                    _stableRequests++;
                    if (failed) _stableFailures++;
                }

                if (RolledBack || _canaryRequests < rule.MinRequests) return false;
                var canaryRate = (double)_canaryFailures / _canaryRequests;
                var stableRate = _stableRequests == 0 ? 0 : (double)_stableFailures / _stableRequests;
                RolledBack = canaryRate > stableRate + rule.RollbackMargin;
                return RolledBack;
            }
        }

        public CanaryStatus Status(string route, CanaryRule rule)
        {
            lock (_lock) return new(route, rule.Version, rule.WeightPercent, RolledBack, _canaryRequests, _canaryFailures, _stableRequests, _stableFailures);
        }
    }
}
