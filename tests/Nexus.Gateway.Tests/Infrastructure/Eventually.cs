namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>Waits for something the gateway does after the client already has its answer (metrics, passive health).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) throw new TimeoutException($"Still not true after 10 s: {what}.");
            await Task.Delay(20, CancellationToken.None);
        }
    }
}
