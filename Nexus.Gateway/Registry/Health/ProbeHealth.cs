namespace Nexus.Gateway.Registry.Health;

/// <summary>
/// One instance's active health: consecutive probe results move it between registering, ready and unhealthy.
/// Proxied requests do not move it: their signal is routing's passive health (circuits), kept apart so that what a
/// caller's request provokes never changes what the registry reports. Not thread-safe: the registry serialises access.
/// </summary>
internal sealed class ProbeHealth(RegistryHealthOptions options)
{
    private int _successes;
    private int _failures;

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
}
