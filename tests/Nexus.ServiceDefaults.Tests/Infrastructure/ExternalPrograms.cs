namespace Nexus.ServiceDefaults.Tests.Infrastructure;

/// <summary>Finds machine programs a test needs; a missing one skips the test locally and fails it in CI.</summary>
public static class ExternalPrograms
{
    public static string Require(string name)
    {
        var path = Find(name);
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (path is null && inCi) throw new InvalidOperationException($"'{name}' is required in CI; .ci/run installs it.");
        Skip.If(path is null, $"'{name}' is not installed.");
        return path!;
    }

    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
}
