using Microsoft.Extensions.Hosting;

namespace Nexus.ServiceDefaults.Runtime;

/// <summary>
/// Returns freed native memory to the system once a minute (<see cref="NativeHeap"/>), so a long-running service's
/// resident memory follows what it uses rather than the peak of its warm-up. A trim walks the allocator's free lists
/// and takes well under a millisecond at this size.
/// </summary>
internal sealed class NativeHeapTrimmer(TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

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
