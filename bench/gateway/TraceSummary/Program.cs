using Microsoft.Diagnostics.Tracing;

// Usage: TraceSummary <file.nettrace> [requests served during the trace]
// Per GC generation: collections (per 100k requests), their reasons and pause durations (suspension to restart, the
// time every managed thread stood still, and how much of it went to suspending them); then lock contentions with their total wait, and the thread pool's thread
// starts and adjustments.
var requests = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
using var source = new EventPipeEventSource(args[0]);
var clr = source.Clr;

double? suspendedAt = null;
var suspendMs = 0.0;
var generation = -1;
var reason = "";
var pauses = new List<(int Generation, string Reason, double Ms, double SuspendMs)>();
clr.GCStart += e => (generation, reason) = (e.Depth, $"{e.Reason}/{e.Type}");
clr.GCSuspendEEStart += e => suspendedAt = e.TimeStampRelativeMSec;
clr.GCSuspendEEStop += e => suspendMs = suspendedAt is { } at ? e.TimeStampRelativeMSec - at : 0;
clr.GCRestartEEStop += e =>
{
    if (suspendedAt is { } at) pauses.Add((generation, reason, e.TimeStampRelativeMSec - at, suspendMs));
    suspendedAt = null;
    generation = -1;
};

var contentions = 0;
var contentionMs = 0.0;
clr.ContentionStart += _ => contentions++;
clr.ContentionStop += e => contentionMs += e.DurationNs / 1e6;

int threadStarts = 0, threadStops = 0;
var adjustments = new Dictionary<string, int>();
clr.ThreadPoolWorkerThreadStart += _ => threadStarts++;
clr.ThreadPoolWorkerThreadStop += _ => threadStops++;
clr.ThreadPoolWorkerThreadAdjustmentAdjustment += e =>
{
    var key = $"{e.Reason} to {e.NewWorkerThreadCount}";
    adjustments[key] = adjustments.GetValueOrDefault(key) + 1;
};

double first = double.NaN, last = 0;
source.AllEvents += e =>
{
    if (double.IsNaN(first)) first = e.TimeStampRelativeMSec;
    last = e.TimeStampRelativeMSec;
};
source.Process();

Console.WriteLine($"Trace: {(last - first) / 1000:F1} s, {requests} requests.");
if (pauses.Count == 0) Console.WriteLine("No garbage collection.");
foreach (var group in pauses.GroupBy(p => p.Generation).OrderBy(g => g.Key))
{
    var ms = group.Select(p => p.Ms).Order().ToArray();
    var per100k = requests > 0 ? $" ({ms.Length * 100_000 / requests:F1} per 100k requests)" : "";
    var reasons = string.Join(", ", group.GroupBy(p => p.Reason).Select(r => $"{r.Key} x{r.Count()}"));
    Console.WriteLine($"gen{group.Key}: {ms.Length} collections{per100k}, paused {ms.Sum():F2} ms in all, median {ms[ms.Length / 2]:F3} ms, longest {ms[^1]:F3} ms ({reasons}).");
    var suspend = group.Select(p => p.SuspendMs).Order().ToArray();
    Console.WriteLine($"  of which suspending the threads: median {suspend[suspend.Length / 2]:F3} ms, {suspend.Sum():F2} ms in all; longest pauses (ms): {string.Join(" ", ms.Reverse().Take(8).Select(x => x.ToString("F3")))}");
}

Console.WriteLine($"Lock contentions: {contentions}, {contentionMs:F2} ms waited in all.");
Console.WriteLine($"Thread pool: {threadStarts} worker threads started, {threadStops} stopped; adjustments: {(adjustments.Count == 0 ? "none" : string.Join(", ", adjustments.Select(a => $"{a.Key} x{a.Value}")))}.");
