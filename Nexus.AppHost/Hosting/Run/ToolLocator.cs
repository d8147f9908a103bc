namespace Nexus.AppHost.Hosting;

/// <summary>Finds installed programs on PATH and in the standard Debian package locations.</summary>
internal static class ToolLocator
{
    private static readonly string[] StandardDirectories = ["/usr/local/bin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"];

    public static IEnumerable<string> SearchDirectories(IEnumerable<string>? extra = null)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(StandardDirectories)
            .Concat(extra ?? [])
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>The full path of <paramref name="program"/>; null when not installed.</summary>
    public static string? Find(string program, IEnumerable<string>? extraDirectories = null) =>
        SearchDirectories(extraDirectories).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists) is { } path
            ? Path.GetFullPath(path)
            : null;

    /// <summary>
    /// Like <see cref="Find"/>, with symbolic links resolved: to find the directory a program's siblings live in. Not for
    /// launching: some programs choose their behaviour by the name they are started under (redis-server is redis-check-rdb).
    /// </summary>
    public static string? FindResolved(string program, IEnumerable<string>? extraDirectories = null) =>
        Find(program, extraDirectories) is { } path
            ? new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path
            : null;

    /// <summary>Debian installs each PostgreSQL major version under <c>/usr/lib/postgresql/N/bin</c>; newest first.</summary>
    public static IEnumerable<string> PostgresDirectories()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateDirectories(root)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
            .Where(d => Directory.Exists(d.Dir))
            .OrderByDescending(d => d.Version)
            .Select(d => d.Dir);
    }
}
