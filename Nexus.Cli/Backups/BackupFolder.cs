namespace Nexus.Cli.Backups;

/// <summary>A folder of timestamped backups (<c>backup --timestamped</c>), as retention and <c>restore --latest</c> see it.</summary>
internal static class BackupFolder
{
    /// <summary>
    /// The complete backups of <paramref name="data"/> in <paramref name="parent"/>, newest first by their manifests'
    /// time: directories (not links) whose manifest reads and holds that data. Unfinished backups, other data and
    /// anything else there are left out.
    /// </summary>
    public static async Task<IReadOnlyList<(string Directory, BackupManifest Manifest)>> CompleteAsync(string parent, BackupDataSet data, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(parent)) throw new BackupException($"{parent} does not exist");
        var complete = new List<(string Directory, BackupManifest Manifest)>();
        foreach (var directory in Directory.EnumerateDirectories(parent))
        {
            if (new DirectoryInfo(directory).LinkTarget is not null) continue;
            BackupManifest manifest;
            try
            {
                manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
            }
            catch (BackupException)
            {
                continue;
            }

            if (manifest.DataName == data.Name) complete.Add((directory, manifest));
        }

        return [.. complete.OrderByDescending(b => b.Manifest.CreatedAt)];
    }
}
