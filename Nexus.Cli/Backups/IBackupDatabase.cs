namespace Nexus.Cli.Backups;

/// <summary>One kind of service database, dumped to and restored from files in a backup directory.</summary>
internal interface IBackupDatabase
{
    /// <summary>What the manifest records as the source: <c>postgresql</c> or <c>sqlite</c>.</summary>
    string Source { get; }

    /// <summary>Whose data it holds.</summary>
    BackupDataSet Data { get; }

    /// <summary>Writes the database's dump into <paramref name="directory"/> and returns the files' names.</summary>
    Task<IReadOnlyList<string>> DumpAsync(string directory, CancellationToken cancellationToken);

    /// <summary>The highest applied schema migration, or null when the database has none.</summary>
    Task<long?> SchemaVersionAsync(CancellationToken cancellationToken);

    /// <summary>Whether the database holds no table yet, so a restore cannot overwrite anything.</summary>
    Task<bool> IsEmptyAsync(CancellationToken cancellationToken);

    /// <summary>Loads the files of a verified backup, replacing what the database holds.</summary>
    Task RestoreAsync(string directory, IReadOnlyList<string> files, CancellationToken cancellationToken);
}
