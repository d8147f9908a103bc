namespace Nexus.Cli.Backups;

/// <summary>
/// <c>backup --timestamped --keep N</c>: after a run, the backups of the same data in the parent directory beyond the
/// newest <c>N</c> are removed, oldest first. Only a complete backup counts or is touched (<see cref="BackupFolder"/>).
/// Of it only what the manifest names and the manifest itself are deleted, the manifest first (so a removal cut short
/// leaves an unfinished backup, never one that looks complete), then the directory if nothing else is left in it.
/// Anything else in the folder stays.
/// </summary>
internal static class BackupRetention
{
    public static async Task<IReadOnlyList<string>> PruneAsync(string parent, string written, BackupDataSet data, int keep, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        var others = (await BackupFolder.CompleteAsync(parent, data, cancellationToken))
            .Where(b => Path.GetFullPath(b.Directory) != Path.GetFullPath(written));

        // The one just written is the first kept.
        var removed = new List<string>();
        foreach (var (directory, manifest) in others.Skip(keep - 1).Reverse())
        {
            try
            {
                File.Delete(Path.Combine(directory, BackupManifest.FileName));
                foreach (var file in manifest.Files.Where(f => Path.GetFileName(f.Name) == f.Name)) File.Delete(Path.Combine(directory, file.Name));
                if (!Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new BackupException($"cannot remove the old backup {directory}: {exception.Message}", exception);
            }

            removed.Add(directory);
        }

        return removed;
    }
}
