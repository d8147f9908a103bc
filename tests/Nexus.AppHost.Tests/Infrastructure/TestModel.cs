using Nexus.AppHost.Hosting;

namespace Nexus.AppHost.Tests.Infrastructure;

/// <summary>Builders for app models made in a test, outside the real composition.</summary>
internal static class TestModel
{
    public static NexusAppBuilder CreateBuilder(Action<NexusAppOptions>? configure = null)
    {
        var options = new NexusAppOptions { RestartDelay = TimeSpan.FromMilliseconds(100), WaitTimeout = TimeSpan.FromSeconds(30) };
        configure?.Invoke(options);
        return new NexusAppBuilder(options, AppHostInfo.FromAssembly());
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!condition())
        {
            if (timeout.IsCancellationRequested) throw new TimeoutException($"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(50, CancellationToken.None);
        }
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Nexus.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Nexus.sln not found above the test output.");
    }

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
}
