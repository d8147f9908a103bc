using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Nexus.Agents.Tools.Workspace;

/// <summary>How a command ended; <see cref="Output"/> is stdout and stderr interleaved, cut to the configured length.</summary>
public sealed record CommandResult(int ExitCode, string Output, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs the workspace's commands: an argument list (no shell), a timeout, output captured and cut, and the whole process
/// tree killed on timeout, on the run's cancellation and when the service stops. Long-lived children (a service under a
/// contract check) are started here too, so none outlives its run or the service.
/// </summary>
internal sealed class WorkspaceProcesses : IDisposable
{
    private static readonly HashSet<string> Inherited = new(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "USER", "LANG", "LC_ALL", "TMPDIR", "TEMP", "TMP", "SystemRoot", "ComSpec", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "ProgramFiles",
        "DOTNET_ROOT", "DOTNET_ROOT_X64", "NUGET_PACKAGES", "NUGET_HTTP_CACHE_PATH", "NUGET_FALLBACK_PACKAGES",
    };

    private readonly ConcurrentDictionary<int, Process> _running = new();

    public async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, int maxCharacters, CancellationToken cancellationToken)
    {
        using var child = Start(fileName, arguments, workingDirectory, new Dictionary<string, string>());
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await child.Process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            cancellationToken.ThrowIfCancellationRequested(); // the run was cancelled: the caller reports that, not a timeout
            return new CommandResult(-1, Cut($"{child.Output}\n[killed: no exit within {timeout.TotalSeconds:0} s]", maxCharacters), TimedOut: true);
        }

        child.Process.WaitForExit(); // drains the output events
        return new CommandResult(child.Process.ExitCode, Cut(child.Output, maxCharacters), TimedOut: false);
    }

    /// <summary>Starts a process the caller stops (by disposing it); it is killed with the service at the latest.</summary>
    public ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        // Code the agent wrote runs here (MSBuild targets, the service itself): it gets none of this service's settings
        // (gateway and admin keys, connection strings, the registry's address), only what the SDK needs to work.
        var inherited = start.Environment.Where(e => Inherited.Contains(e.Key)).ToList();
        start.Environment.Clear();
        foreach (var (key, value) in inherited) start.Environment[key] = value;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = new Process { StartInfo = start };
        var child = new ChildProcess(process, this);
        process.Start();
        process.StandardInput.Close();
        _running[process.Id] = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    internal void Forget(Process process)
    {
        try
        {
            _running.TryRemove(process.Id, out _);
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to forget.
        }
    }

    public void Dispose()
    {
        foreach (var process in _running.Values) ChildProcess.KillTree(process);
        _running.Clear();
    }

    /// <summary>The start and the end of a long output, where a build's summary and first errors are.</summary>
    public static string Cut(string text, int maxCharacters)
    {
        if (text.Length <= maxCharacters) return text;
        var head = maxCharacters / 4;
        var tail = maxCharacters - head;
        return string.Concat(text.AsSpan(0, head), $"\n... [{text.Length - maxCharacters} characters cut] ...\n", text.AsSpan(text.Length - tail));
    }
}

/// <summary>A started process and its captured output; disposing it kills the process tree.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly WorkspaceProcesses _owner;

    public ChildProcess(Process process, WorkspaceProcesses owner)
    {
        Process = process;
        _owner = owner;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public Process Process { get; }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => Process.HasExited;

    public void Kill() => KillTree(Process);

    public void Dispose()
    {
        KillTree(Process);
        _owner.Forget(Process);
        Process.Dispose();
    }

    internal static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Not started or already gone.
        }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }
}
