using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Nexus.Gateway.Routing.Health;

/// <summary>
/// The gateway's one passive health mechanism, over registered and static instances alike: each forwarding attempt's
/// outcome feeds the instance's circuit, which load balancing and canary splits read. Only failures that say something
/// about the instance count (<see cref="Classify"/>): one tenant's malformed requests, however many, answered with a
/// 4xx or a 500, never open a circuit that every tenant shares. Active health (probes of <c>/health</c>) is the
/// registry's; the two meet only in routing, which takes ready instances whose circuit is closed.
/// </summary>
internal sealed class PassiveHealth(IOptionsMonitor<GatewayOptions> options, TimeProvider time, ILogger<PassiveHealth> logger)
{
    private readonly ConcurrentDictionary<string, DestinationState> _states = new(StringComparer.Ordinal);

    /// <summary>
    /// What an attempt says about its instance. A 500 is neutral because the caller's input can provoke it (a service's
    /// bug on one tenant's malformed upload must not take the service away from every tenant); an instance broken for
    /// everyone fails its health probes, and its connection errors, timeouts and 502/503/504 count here.
    /// </summary>
    public static AttemptOutcome Classify(ForwarderError error, int status, bool cutOff) => error switch
    {
        ForwarderError.None when cutOff => AttemptOutcome.Failure,
        ForwarderError.None => status switch
        {
            < 400 => AttemptOutcome.Success,
            StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout => AttemptOutcome.Failure,
            _ => AttemptOutcome.Neutral,
        },
        ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
            or ForwarderError.ResponseHeaders or ForwarderError.ResponseBodyDestination => AttemptOutcome.Failure,
        _ => AttemptOutcome.Neutral,
    };

    public DestinationState StateOf(string instanceId)
    {
        if (_states.Count > 10_000) Forget();
        return _states.GetOrAdd(instanceId, static _ => new DestinationState());
    }

    public bool IsOpen(Upstream upstream, DateTimeOffset now) => StateOf(upstream.InstanceId).IsOpen(now, options.CurrentValue.CircuitFailureThreshold);

    public void Report(Upstream upstream, AttemptOutcome outcome)
    {
        if (outcome == AttemptOutcome.Neutral) return;
        var state = StateOf(upstream.InstanceId);
        if (outcome == AttemptOutcome.Success)
        {
            state.Succeeded();
            return;
        }

        var settings = options.CurrentValue;
        if (state.Failed(time.GetUtcNow(), settings.CircuitBreakDuration, settings.CircuitFailureThreshold))
        {
            GatewayLog.CircuitOpened(logger, upstream.InstanceId, settings.CircuitBreakDuration);
        }
    }

    // Instances come and go with the registry; an idle entry (no load, not used for an hour) is dropped so memory stays flat.
    private void Forget()
    {
        var cutoff = time.GetUtcNow().AddHours(-1);
        foreach (var (id, state) in _states)
        {
            if (state.Outstanding == 0 && state.LastUsed < cutoff) _states.TryRemove(id, out _);
        }
    }
}
