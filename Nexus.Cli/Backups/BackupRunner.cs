using System.Reflection;

namespace Nexus.Cli.Backups;

/// <summary>The two commands as ordered steps: backup dumps then writes the manifest last (a directory without one is
/// an unfinished backup); restore reads the manifest, verifies every checksum, checks the target, then loads.</summary>
internal static class BackupRunner
{
    public static async Task<BackupManifest> BackupAsync(IBackupDatabase database, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        if (Directory.EnumerateFileSystemEntries(directory).Any()) throw new BackupException($"{directory} is not empty: a backup goes into a new or empty directory");

        var createdAt = DateTimeOffset.UtcNow;
        var schemaVersion = await database.SchemaVersionAsync(cancellationToken);
        var names = await database.DumpAsync(directory, cancellationToken);
        var files = new List<BackupFile>();
        foreach (var name in names) files.Add(await BackupFile.DescribeAsync(directory, name, cancellationToken));

        var manifest = new BackupManifest(BackupManifest.CurrentFormat, database.Source, database.Data.Name, createdAt, ToolVersion, schemaVersion, files);
        await manifest.WriteAsync(directory, cancellationToken);
        return manifest;
    }

    public static async Task<BackupManifest> RestoreAsync(IBackupDatabase database, string directory, bool force, CancellationToken cancellationToken)
    {
        var manifest = await BackupManifest.ReadAsync(directory, cancellationToken);
        if (manifest.DataName != database.Data.Name) throw new BackupException($"the backup holds the {manifest.DataName} data, the target is for the {database.Data.Name} data (--data)");
        if (manifest.Source != database.Source) throw new BackupException($"the backup is of {manifest.Source}, the target is {database.Source}");
        await manifest.VerifyAsync(directory, cancellationToken);
        if (!force && !await database.IsEmptyAsync(cancellationToken))
        {
            throw new BackupException("the target database is not empty; restore into an empty one, or pass --force to replace its contents");
        }

        await database.RestoreAsync(directory, [.. manifest.Files.Select(f => f.Name)], cancellationToken);
        return manifest;
    }

    private static string ToolVersion =>
        typeof(BackupRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
