namespace Nexus.Gateway.Registry.Health;

/// <summary>
/// One instance's health as this gateway observes it: consecutive probe results move it between registering,
/// ready and unhealthy; a run of failed proxied requests takes it out of routing until probes bring it back.
/// Not thread-safe: the registry serialises access.
/// </summary>
internal sealed class InstanceHealth(RegistryHealthOptions options)
{
    private int _successes;
    private int _failures;
    private int _passiveFailures;

    public InstanceState State { get; private set; } = InstanceState.Registering;

    public string? Reason { get; private set; } = "waiting for the first successful health probe";

    /// <summary>Applies one probe result; returns true when the state or its reason changed.</summary>
    public bool OnProbe(bool healthy, string? failure)
    {
        var (state, reason) = (State, Reason);
        if (healthy)
        {
            _failures = 0;
            _successes++;
            if (State != InstanceState.Ready && _successes >= options.HealthyThreshold)
            {
                State = InstanceState.Ready;
                Reason = null;
                _passiveFailures = 0;
            }
        }
        else
        {
            _successes = 0;
            _failures++;
            if (State == InstanceState.Ready && _failures >= options.UnhealthyThreshold)
            {
                State = InstanceState.Unhealthy;
            }

            // A registering instance stays registering until it has been healthy once, but says why it is not ready.
            if (State != InstanceState.Ready) Reason = failure;
        }

        return state != State || reason != Reason;
    }

    /// <summary>A proxied request failed; returns true when that took the instance out of routing.</summary>
    public bool OnPassiveFailure()
    {
        _passiveFailures++;
        if (State != InstanceState.Ready || _passiveFailures < options.PassiveFailureThreshold) return false;

        State = InstanceState.Unhealthy;
        Reason = $"{_passiveFailures} consecutive proxied requests failed";
        // Probes must now see the instance healthy for the full threshold before it is routed to again.
        _successes = 0;
        return true;
    }

    public void OnPassiveSuccess() => _passiveFailures = 0;
}
