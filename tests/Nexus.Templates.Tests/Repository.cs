namespace Nexus.Templates.Tests;

/// <summary>Where the repository and the public schemas beside it are.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The public schemas live in <c>shared/schemas</c> beside the repository.</summary>
    public static string Schema(string fileName)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "schemas", fileName));
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!File.Exists(path) && inCi) throw new FileNotFoundException("The public schema is required in CI.", path);
        Skip.IfNot(File.Exists(path), $"{fileName} is not beside the repository.");
        return path;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Nexus.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Nexus.sln not found above the test output.");
    }
}
