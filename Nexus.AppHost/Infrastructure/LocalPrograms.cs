namespace Nexus.AppHost.Infrastructure;

/// <summary>Finds installed programs: on PATH, in the standard Debian locations, and PostgreSQL's versioned directories.</summary>
internal sealed class LocalPrograms(IReadOnlyList<string> directories)
{
    private static readonly string[] StandardDirectories = ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"];

    /// <summary>What is installed on this machine.</summary>
    public static LocalPrograms Installed { get; } = new(
        [
            .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries),
            .. StandardDirectories,
            .. PostgresDirectories("/usr/lib/postgresql"),
        ]);

    public IReadOnlyList<string> Directories { get; } = [.. directories.Distinct(StringComparer.Ordinal)];

    /// <summary>The full path of <paramref name="program"/>, or null when it is not installed.</summary>
    public string? Find(string program) => FindDirectoryWith(program) is { } directory ? Path.Combine(directory, program) : null;

    /// <summary>The first directory that holds every one of <paramref name="programs"/> (a server and its tools belong together).</summary>
    public string? FindDirectoryWith(params string[] programs) =>
        Directories.FirstOrDefault(directory => programs.All(program => File.Exists(Path.Combine(directory, program))));

    /// <summary>Debian installs each PostgreSQL major version under <c>/usr/lib/postgresql/N/bin</c>; newest first.</summary>
    internal static IEnumerable<string> PostgresDirectories(string root) =>
        !Directory.Exists(root)
            ? []
            : Directory.EnumerateDirectories(root)
                .Select(directory => (Bin: Path.Combine(directory, "bin"), Version: int.TryParse(Path.GetFileName(directory), out var version) ? version : 0))
                .Where(candidate => Directory.Exists(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin);
}
