namespace Nexus.Agents.Tools.Workspace;

/// <summary>Thrown for a path a tool must not touch; its message is the tool's answer to the model.</summary>
public sealed class WorkspacePathException(string message) : Exception(message);

/// <summary>
/// Confines paths to one run's folder. A path is refused when it is absolute, has a <c>..</c> segment, resolves outside
/// the folder, or passes through a symbolic link (a link could point anywhere, so none is followed, whatever its target).
/// </summary>
public static class WorkspacePaths
{
    public static string Resolve(string root, string? relative)
    {
        var path = string.IsNullOrWhiteSpace(relative) ? "." : relative.Trim();
        if (Path.IsPathRooted(path) || path.StartsWith('~')) throw new WorkspacePathException($"'{path}' is not a path inside the workspace: give it relative to the workspace.");
        if (path.Split('/', '\\').Any(segment => segment == "..")) throw new WorkspacePathException($"'{path}' leaves the workspace ('..' is not allowed).");
        var full = Path.GetFullPath(Path.Combine(root, path));
        if (!IsWithin(root, full)) throw new WorkspacePathException($"'{path}' resolves outside the workspace.");

        // Every existing part of the resolved path, the workspace's own folder included, must be a real folder or file.
        for (var current = full; IsWithin(root, current); current = Path.GetDirectoryName(current)!)
        {
            var info = new FileInfo(current);
            if (info.Exists || Directory.Exists(current))
            {
                FileSystemInfo entry = info.Exists ? info : new DirectoryInfo(current);
                if (entry.LinkTarget is not null) throw new WorkspacePathException($"'{path}' passes through a symbolic link, which the workspace does not follow.");
            }

            if (string.Equals(current, Path.GetFullPath(root), StringComparison.Ordinal)) break;
        }

        return full;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or inside it (both full paths).</summary>
    public static bool IsWithin(string root, string path)
    {
        var normalizedRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var normalized = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        return string.Equals(normalized, normalizedRoot, StringComparison.Ordinal)
            || normalized.StartsWith(normalizedRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>A path as the model should see it: relative to the workspace, with forward slashes.</summary>
    public static string Relative(string root, string full) => Path.GetRelativePath(root, full).Replace('\\', '/');
}
