using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>
/// A real etcd (Debian's etcd-server) on random loopback ports with a throw-away data directory, killed and
/// removed on dispose. Tests skip when etcd is not installed, except in CI, where it must be.
/// </summary>
public sealed class EtcdServer : IAsyncLifetime
{
    private Process? _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _errors = new();
    private string? _dataDirectory;

    public Uri? ClientUrl { get; private set; }

    /// <summary>Why the etcd tests cannot run here, or <c>null</c>.</summary>
    public string? Unavailable { get; private set; }

    public async Task InitializeAsync()
    {
        var executable = FindExecutable("etcd");
        if (executable is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException("etcd is not installed; CI installs the etcd-server package (.ci/run).");
            }

            Unavailable = "etcd is not installed (Debian package etcd-server).";
            return;
        }

        _dataDirectory = Directory.CreateTempSubdirectory("nexus-etcd-").FullName;
        var (client, peer) = (FreePort(), FreePort());
        // etcd refuses URLs with a path, even "/".
        var clientUrl = $"http://127.0.0.1:{client}";
        ClientUrl = new Uri(clientUrl);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--name", "test", "--data-dir", _dataDirectory,
            "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", $"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peer}",
            "--initial-cluster", $"test=http://127.0.0.1:{peer}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("etcd did not start.");
        // Drain its output so a full pipe never blocks it.
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null) _errors.Enqueue(line.Data);
            while (_errors.Count > 20) _errors.TryDequeue(out string? _);
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = ClientUrl, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (_process.HasExited) throw new InvalidOperationException($"etcd exited with code {_process.ExitCode}: {string.Join(Environment.NewLine, _errors)}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("etcd did not become healthy within 30 s.");
            await Task.Delay(100);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_dataDirectory is not null) Directory.Delete(_dataDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindExecutable(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
