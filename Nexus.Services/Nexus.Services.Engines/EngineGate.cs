namespace Nexus.Services.Engines;

/// <summary>Bounds how many engine processes run at once; a request that waits too long is told the service is busy.</summary>
public sealed class EngineGate(int maxConcurrency, TimeSpan queueTimeout) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(maxConcurrency, maxConcurrency);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (!await _slots.WaitAsync(queueTimeout, cancellationToken))
        {
            throw new EngineUnavailableException($"All {maxConcurrency} engine slots stayed busy for {queueTimeout.TotalSeconds:0} s; try again shortly.");
        }

        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}

/// <summary>An engine is missing, failed or is saturated: the request gets a 503 that says which and why.</summary>
public sealed class EngineUnavailableException(string message) : Exception(message);

/// <summary>The engine ran and could not read what the client sent (a corrupt image, bytes that are not audio): a 400
/// with the engine's reason, never a 503, which would count a client's file against the instance.</summary>
public sealed class UnreadableInputException(string message) : Exception(message);
