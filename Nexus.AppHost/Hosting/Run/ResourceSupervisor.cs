using System.Diagnostics;
using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>
/// Runs one resource: starts its process in a session of its own (so a terminal's Ctrl+C reaches only the app host,
/// which stops resources in order), streams its output, gates on health, restarts it with backoff when it exits.
/// </summary>
internal sealed class ResourceSupervisor(Resource resource, RunPlan plan, NexusAppOptions options, string? setsid, ProcessLedger? ledger = null)
{
    private const int RecentLines = 20;
    private readonly TaskCompletionSource _healthy = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _recent = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Process? _process;
    private Task? _loop;

    public Resource Resource { get; } = resource;

    public RunPlan Plan { get; } = plan;

    public string Name => Resource.Name;

    public ResourceState State { get; private set; } = ResourceState.Pending;

    public int Restarts { get; private set; }

    /// <summary>The running process's id; null before it starts, between restarts and after stopping.</summary>
    public int? ProcessId { get; private set; }

    public int? LastExitCode { get; private set; }

    public string LastHealthDetail { get; private set; } = "not started";

    public Task Healthy => _healthy.Task;

    /// <summary>Why the resource is not healthy, with its last output lines, for timeout messages.</summary>
    public string Describe()
    {
        var text = $"state {State.ToString().ToLowerInvariant()}, last check: {LastHealthDetail}";
        if (LastExitCode is { } code) text += $", last exit code {code.ToString(CultureInfo.InvariantCulture)}";
        if (Restarts > 0) text += $", restarts {Restarts.ToString(CultureInfo.InvariantCulture)}";
        lock (_gate)
            if (_recent.Count > 0) text += $"; last output:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", _recent);
        return text;
    }

    public async Task StartAsync(CancellationToken ct)
    {
        if (Plan.Launch is null)
        {
            // Without a process, a resource is as healthy as what it depends on, which the runner awaited already.
            State = Plan.IsEmbedded ? ResourceState.Embedded : ResourceState.Healthy;
            LastHealthDetail = Plan.IsEmbedded ? "embedded default" : "no process";
            _healthy.TrySetResult();
            return;
        }

        State = ResourceState.Starting;
        try
        {
            if (Plan.PrepareAsync is not null) await Plan.PrepareAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Fail($"preparing failed: {ex.Message}");
            return;
        }

        _loop = Task.Run(() => SuperviseAsync(Plan.Launch, _stopping.Token), CancellationToken.None);
    }

    private void Fail(string reason)
    {
        State = ResourceState.Failed;
        LastHealthDetail = reason;
        Write($"failed: {reason}");
    }

    private async Task SuperviseAsync(LaunchSpec launch, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Process process;
            try
            {
                process = Launch(launch);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                Fail($"could not start {launch.FileName}: {ex.Message}");
                return;
            }

            using var exited = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var monitor = MonitorHealthAsync(exited.Token);
            try
            {
                await process.WaitForExitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                await exited.CancelAsync().ConfigureAwait(false);
                await monitor.ConfigureAwait(false);
            }

            LastExitCode = process.ExitCode;
            ProcessId = null;
            if (stopping.IsCancellationRequested) return;
            Restarts++;
            var delay = Backoff(Restarts);
            State = ResourceState.Restarting;
            LastHealthDetail = $"process exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}";
            Write($"exited with code {process.ExitCode.ToString(CultureInfo.InvariantCulture)}; restart {Restarts.ToString(CultureInfo.InvariantCulture)} in {delay.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
            try
            {
                await Task.Delay(delay, options.TimeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Doubles from the first delay up to the cap: 1, 2, 4, ... 30 s by default.</summary>
    internal static TimeSpan Backoff(int restart, TimeSpan first, TimeSpan max)
    {
        var factor = Math.Pow(2, Math.Min(restart - 1, 16));
        return TimeSpan.FromTicks((long)Math.Min(first.Ticks * factor, max.Ticks));
    }

    private TimeSpan Backoff(int restart) => Backoff(restart, options.RestartDelay, options.MaxRestartDelay);

    private Process Launch(LaunchSpec launch)
    {
        // setsid puts the child in its own session and process group, so stopping can signal the whole tree.
        var start = new ProcessStartInfo(setsid ?? launch.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = launch.WorkingDirectory,
        };
        if (setsid is not null) start.ArgumentList.Add(launch.FileName);
        foreach (var arg in launch.Args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in launch.Environment) start.Environment[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        State = ResourceState.Starting;
        LastHealthDetail = "starting";
        process.Start();
        ProcessId = process.Id;
        ledger?.Record(process.Id, Name);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_gate)
        {
            var previous = _process;
            _process = process;
            previous?.Dispose();
        }

        return process;
    }

    private async Task MonitorHealthAsync(CancellationToken exited)
    {
        State = ResourceState.Running;
        try
        {
            while (!exited.IsCancellationRequested)
            {
                var result = Plan.Probe is null ? HealthResult.Ok("running") : await Probe(exited).ConfigureAwait(false);
                LastHealthDetail = result.Detail;
                if (result.Healthy)
                {
                    if (Plan.AfterHealthyAsync is not null) await Plan.AfterHealthyAsync(exited).ConfigureAwait(false);
                    State = ResourceState.Healthy;
                    _healthy.TrySetResult();
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), options.TimeProvider, exited).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The process exited or the app is stopping: the supervisor loop decides what comes next.
        }
        catch (InvalidOperationException ex)
        {
            LastHealthDetail = ex.Message;
            Write(ex.Message);
        }
    }

    private async Task<HealthResult> Probe(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await Plan.Probe!.CheckAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return HealthResult.Fail("health check timed out after 5 s");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        lock (_gate)
        {
            _recent.Enqueue(line);
            if (_recent.Count > RecentLines) _recent.Dequeue();
        }

        Write(line);
    }

    private void Write(string line) => options.Output($"{Name,-12}| {line}");

    /// <summary>Signals the process group, waits for it to exit, then kills whatever is left of the tree.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Process? process;
        lock (_gate) process = _process;
        if (process is not null && !process.HasExited)
        {
            var pid = process.Id;
            var signal = Plan.Launch?.StopSignal ?? Posix.SigTerm;
            if (!(setsid is not null && Posix.SignalGroup(pid, signal))) Posix.Signal(pid, signal);
            using var timeout = new CancellationTokenSource(options.StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Write($"did not stop within {options.StopTimeout.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; killing it");
                process.Kill(entireProcessTree: true);
            }

            // Anything the process left behind in its group (workers, grandchildren) goes with it.
            if (setsid is not null) Posix.SignalGroup(pid, Posix.SigKill);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (_loop is not null) await _loop.ConfigureAwait(false);
        ProcessId = null;
        if (State != ResourceState.Embedded) State = ResourceState.Stopped;
        lock (_gate) _process?.Dispose();
        _stopping.Dispose();
    }
}
