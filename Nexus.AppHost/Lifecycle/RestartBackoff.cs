namespace Nexus.AppHost.Lifecycle;

/// <summary>How long to wait before restarting a crashed resource: 1 s, then 2, 4, ... at most 30 s; a resource that ran
/// for a minute since its last start counts as recovered, and starts again from 1 s.</summary>
internal static class RestartBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Recovered = TimeSpan.FromMinutes(1);

    /// <summary>The delay before restart number <paramref name="attempt"/> (1 for the first) of a run of crashes.</summary>
    public static TimeSpan Delay(int attempt) =>
        attempt >= 6 ? Max : TimeSpan.FromTicks(Math.Min(Max.Ticks, First.Ticks << (Math.Max(attempt, 1) - 1)));

    /// <summary>The attempt number after a crash: the previous one plus one, or 1 when the resource had recovered.</summary>
    public static int NextAttempt(int previous, TimeSpan ranFor) => ranFor >= Recovered ? 1 : previous + 1;
}
