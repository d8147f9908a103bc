namespace Nexus.Testing;

/// <summary>Finds the machine programs a test needs (redis-server, etcd, espeak-ng, ...); a missing one skips the test
/// locally and fails it in CI, where <c>.ci/run</c> installs it.</summary>
public static class TestPrograms
{
    /// <summary>The full path of <paramref name="nameOrPath"/> (an absolute path, or a name looked up on PATH).</summary>
    public static string Require(string nameOrPath)
    {
        var path = Find(nameOrPath);
        if (path is null && TestEnvironment.IsCi) throw new InvalidOperationException($"'{nameOrPath}' is required in CI; .ci/run installs it.");
        Skip.If(path is null, $"'{nameOrPath}' is not installed.");
        return path!;
    }

    public static string? Find(string nameOrPath)
    {
        if (Path.IsPathRooted(nameOrPath)) return File.Exists(nameOrPath) ? nameOrPath : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, nameOrPath))
            .FirstOrDefault(File.Exists);
    }
}
