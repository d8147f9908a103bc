namespace Nexus.Testing;

/// <summary>Where the tests run: in CI (<c>CI=true</c>) a missing program fails a test; locally it skips it.</summary>
public static class TestEnvironment
{
    public static bool IsCi { get; } =
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The repository's root: the nearest folder above the test's output that holds <c>Nexus.sln</c>.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nexus.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException($"No Nexus.sln above {AppContext.BaseDirectory}.");
    }
}
