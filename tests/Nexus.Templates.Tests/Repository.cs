namespace Nexus.Templates.Tests;

/// <summary>Where the repository and the public schemas beside it are.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A public schema kept in <c>docs/schemas</c>.</summary>
    public static string Schema(string fileName) => Path.Combine(Root, "docs", "schemas", fileName);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Nexus.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Nexus.sln not found above the test output.");
    }
}
