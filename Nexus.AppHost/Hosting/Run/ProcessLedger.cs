using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>
/// Records every process the app host starts, so that a run after one that was killed outright (SIGKILL, a crash)
/// stops what that run left behind instead of failing on its ports. A record matches only the very process it was
/// written for (pid and kernel start time), never a later process that reused the pid.
/// </summary>
internal sealed class ProcessLedger(string stateDirectory)
{
    private readonly string _file = Path.Combine(stateDirectory, "processes");
    private readonly Lock _gate = new();

    /// <summary>Stops the process groups a previous run recorded and did not stop; returns the names of what it stopped.</summary>
    public IReadOnlyList<string> StopLeftovers()
    {
        if (!File.Exists(_file)) return [];
        var stopped = new List<string>();
        foreach (var line in File.ReadAllLines(_file))
        {
            var fields = line.Split(' ', 3);
            if (fields.Length != 3 || !int.TryParse(fields[0], CultureInfo.InvariantCulture, out var pid)) continue;
            if (StartTime(pid) != fields[1]) continue;
            Posix.SignalGroup(pid, Posix.SigKill);
            Posix.Signal(pid, Posix.SigKill);
            stopped.Add($"{fields[2]} (pid {fields[0]})");
        }

        File.Delete(_file);
        return stopped;
    }

    public void Record(int pid, string name)
    {
        if (StartTime(pid) is not { } start) return;
        lock (_gate) File.AppendAllText(_file, $"{pid.ToString(CultureInfo.InvariantCulture)} {start} {name}{Environment.NewLine}");
    }

    /// <summary>Called after a clean stop: nothing is left to clean up.</summary>
    public void Clear()
    {
        lock (_gate) File.Delete(_file);
    }

    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null; // field 22 of proc(5), counting from the state after the name
        }
        catch (IOException)
        {
            return null;
        }
    }
}
