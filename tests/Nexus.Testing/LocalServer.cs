using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nexus.Testing;

/// <summary>A program the tests start themselves (redis-server, postgres, etcd) on a random loopback port, killed with
/// its children on dispose.</summary>
public abstract class LocalServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    public int Port { get; } = FreePort();

    /// <summary>What the program wrote so far, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected void Start(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Runs a one-off command (initdb, createdb) to completion; its error output is the exception's message.</summary>
    protected static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{fileName} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    /// <summary>Polls until the server answers, with a deadline; fails at once, with its output, if it exits. Any exception
    /// from <paramref name="ready"/> means "not up yet" (the client's own connection errors differ per server).</summary>
    protected async Task WaitUntilAsync(Func<Task<bool>> ready, string what)
    {
        using var timeout = new CancellationTokenSource(StartDeadline);
        while (true)
        {
            try
            {
                if (await ready()) return;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Not up yet.
            }

            if (_process is { HasExited: true }) throw new InvalidOperationException($"{what} exited: {Output}");
            if (timeout.IsCancellationRequested) throw new TimeoutException($"{what} did not start within {StartDeadline.TotalSeconds} s: {Output}");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>The running program's process id, for signals (0 before it starts).</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Kills the program and its children, keeping its data: a dependency going away under a test. A subclass
    /// that can start again on the same port says so (e.g. <c>RestartAsync</c>).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process?.Dispose();
        _process = null;
    }

    public virtual async ValueTask DisposeAsync()
    {
        await KillAsync();
        GC.SuppressFinalize(this);
    }
}
