using Microsoft.Extensions.Hosting;

namespace Nexus.ServiceDefaults.Runtime;

/// <summary>
/// Returns freed native memory to the system every ten seconds (<see cref="NativeHeap"/>), so a service's resident
/// memory follows what it uses rather than the peaks of its JIT's work, which goes on for minutes as new paths warm
/// up. A trim walks the allocator's free lists: about a tenth of a millisecond in the gateway under load.
/// </summary>
internal sealed class NativeHeapTrimmer(TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!NativeHeap.CanTrim) return;
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            NativeHeap.TryTrim();
        }
    }
}
