using System.Diagnostics;
using System.Reflection;

namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>A Nexus service (Nexus.Registry.TestService) in its own process, so a test can kill it without warning.</summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process) => _process = process;

    public static ServiceProcess Start(IReadOnlyDictionary<string, string> environment)
    {
        var assembly = typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RegistryTestService").Value!;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("The test service did not start.");
        // Drain its output so a full pipe never blocks it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServiceProcess(process);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGKILL: no deregistration, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
