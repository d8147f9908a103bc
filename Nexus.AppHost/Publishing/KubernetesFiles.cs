namespace Nexus.AppHost.Publishing;

/// <summary>Writes the generated files under the output directory, removing YAML it wrote before that is no longer
/// generated (a service taken out of the model); nothing else there is touched.</summary>
internal static class KubernetesFiles
{
    public static void Replace(string root, IReadOnlyDictionary<string, string> files)
    {
        foreach (var directory in files.Keys.Select(path => Path.GetDirectoryName(path) ?? "").Distinct(StringComparer.Ordinal))
        {
            var full = Path.Combine(root, directory);
            if (!Directory.Exists(full)) continue;
            foreach (var stale in Directory.EnumerateFiles(full, "*.yaml"))
            {
                if (!files.ContainsKey(Path.GetRelativePath(root, stale).Replace('\\', '/'))) File.Delete(stale);
            }
        }

        foreach (var (path, text) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }
}
