namespace Nexus.Services.Engines;

/// <summary>Finds engine executables: a configured path, or a name looked up on PATH.</summary>
public static class Programs
{
    public static string? Resolve(string nameOrPath)
    {
        if (nameOrPath.Contains(Path.DirectorySeparatorChar)) return File.Exists(nameOrPath) ? nameOrPath : null;
        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, nameOrPath))
            .FirstOrDefault(File.Exists);
    }
}
