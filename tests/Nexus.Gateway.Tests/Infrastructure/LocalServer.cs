using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>A program the tests start themselves (redis-server, postgres) on a random loopback port, killed on dispose.</summary>
public abstract class LocalServer : IAsyncDisposable
{
    private Process? _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    public int Port { get; } = FreePort();

    /// <summary>Skips locally when the program is missing; in CI (CI=true) a missing program fails the test instead.</summary>
    public static void RequireProgram(string path)
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip.If(!File.Exists(path) && !ci, $"{path} is not installed.");
        if (!File.Exists(path)) throw new InvalidOperationException($"{path} is required in CI.");
    }

    protected static int FreePort()
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

    protected static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0) throw new InvalidOperationException($"{fileName} failed ({process.ExitCode}): {await error}");
        return await output;
    }

    /// <summary>Polls until the server answers, with a deadline; fails at once, with its output, if it exits.</summary>
    protected async Task WaitUntilAsync(Func<Task<bool>> ready, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            try
            {
                if (await ready()) return;
            }
            catch (Exception exception) when (exception is SocketException or IOException or InvalidOperationException or Npgsql.NpgsqlException)
            {
                // Not up yet.
            }

            if (_process is { HasExited: true }) throw new InvalidOperationException($"{what} exited: {string.Join('\n', _output)}");
            if (timeout.IsCancellationRequested) throw new TimeoutException($"{what} did not start within 90 s: {string.Join('\n', _output)}");
            await Task.Delay(100, CancellationToken.None);
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process?.Dispose();
        GC.SuppressFinalize(this);
    }
}
