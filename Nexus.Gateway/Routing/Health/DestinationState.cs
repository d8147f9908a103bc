namespace Nexus.Gateway.Routing.Health;

/// <summary>One instance as this gateway sees it: its outstanding requests (for load balancing) and its circuit.</summary>
internal sealed class DestinationState
{
    private readonly Lock _lock = new();
    private int _outstanding;
    private int _consecutiveFailures;
    private DateTimeOffset _openUntil = DateTimeOffset.MinValue;

    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Last time this instance was chosen or reported on, so idle entries can be forgotten.</summary>
    public DateTimeOffset LastUsed { get; private set; }

    public void Begin(DateTimeOffset now)
    {
        Interlocked.Increment(ref _outstanding);
        LastUsed = now;
    }

    public void End() => Interlocked.Decrement(ref _outstanding);

    /// <summary>Closed circuits admit everything; an open one admits one trial request per break period.</summary>
    public bool TryAdmit(DateTimeOffset now, TimeSpan breakDuration, int threshold)
    {
        lock (_lock)
        {
            if (_consecutiveFailures < threshold) return true;
            if (now < _openUntil) return false;
            _openUntil = now + breakDuration;
            return true;
        }
    }

    public bool IsOpen(DateTimeOffset now, int threshold)
    {
        lock (_lock) return _consecutiveFailures >= threshold && now < _openUntil;
    }

    public void Succeeded()
    {
        lock (_lock) _consecutiveFailures = 0;
    }

    /// <returns>True when this failure opened the circuit.</returns>
    public bool Failed(DateTimeOffset now, TimeSpan breakDuration, int threshold)
    {
        lock (_lock)
        {
            _consecutiveFailures++;
            if (_consecutiveFailures < threshold) return false;
            _openUntil = now + breakDuration;
            return _consecutiveFailures == threshold;
        }
    }
}
