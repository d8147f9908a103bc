namespace Nexus.Cli.Tests;

/// <summary>Runs the CLI in process as a user would call it, capturing its exit code and output.</summary>
internal static class CliRun
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var exitCode = await CliApp.RunAsync(args, output, error, timeout.Token);
        return (exitCode, output.ToString(), error.ToString());
    }

    public static string TemporaryDirectory(string purpose) => Path.Combine(Path.GetTempPath(), $"nexus-cli-{purpose}-{Guid.NewGuid():N}");

    /// <summary>Flips one byte in the middle of a file, as a bad disk or a truncated copy would.</summary>
    public static void Corrupt(string file)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
    }
}
