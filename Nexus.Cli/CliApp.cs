using Nexus.Cli.Backups;

namespace Nexus.Cli;

/// <summary>Parses the command line and runs one command; the exit code is 0 on success, 1 on a failed command and 2
/// on a usage error.</summary>
internal static class CliApp
{
    public const string Usage = """
        usage: nexus backup <dir>  [--data gateway|agents] [--postgres <connection string> | --sqlite <file>] [--pg-bin <dir>] [--timestamped [--keep <n>]]
               nexus restore <dir> [--data gateway|agents] [--postgres <connection string> | --sqlite <file>] [--pg-bin <dir>] [--latest] [--force]

        --data chooses whose data: the gateway's (default) or the agents'. The database is PostgreSQL when --postgres (or
        ConnectionStrings__nexusdb, for the agents ConnectionStrings__agentsdb) gives an Npgsql connection string, otherwise
        the SQLite file of --sqlite (or Nexus__Gateway__SqlitePath, default nexus-gateway.db; for the agents
        Agents__SqlitePath, default nexus-agents.db).
        backup --timestamped writes into a new directory in <dir> named by the UTC time; --keep <n> then removes the
        oldest complete backups of the same data in <dir> beyond the newest n (the new one included), nothing else.
        restore --latest restores the newest complete backup of the data in <dir> (a folder of --timestamped backups).
        restore refuses a database that already holds tables unless --force.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!CliArguments.TryParse(args, Environment.GetEnvironmentVariable, out var arguments, out var problem))
        {
            await error.WriteLineAsync(problem);
            await error.WriteLineAsync(Usage);
            return 2;
        }

        try
        {
            var database = arguments.Database();
            if (arguments.Command == CliCommand.Backup)
            {
                var directory = arguments.BackupDirectory(DateTimeOffset.UtcNow);
                var manifest = await BackupRunner.BackupAsync(database, directory, cancellationToken);
                await output.WriteLineAsync($"backed up the {manifest.DataName} data ({manifest.Source}) to {directory} ({manifest.Files.Sum(f => f.Bytes)} bytes)");
                if (arguments.Keep is { } keep)
                {
                    var removed = await BackupRetention.PruneAsync(arguments.Directory, directory, arguments.Data, keep, cancellationToken);
                    foreach (var old in removed) await output.WriteLineAsync($"removed the old backup {old} (keeping {keep})");
                }
            }
            else
            {
                var directory = arguments.Directory;
                if (arguments.Latest)
                {
                    var backups = await BackupFolder.CompleteAsync(directory, arguments.Data, cancellationToken);
                    directory = backups.Count > 0 ? backups[0].Directory : throw new BackupException($"{directory} holds no complete backup of the {arguments.Data.Name} data");
                }

                var manifest = await BackupRunner.RestoreAsync(database, directory, arguments.Force, cancellationToken);
                await output.WriteLineAsync($"restored the {manifest.DataName} data ({manifest.Source}) backed up at {manifest.CreatedAt:O} from {directory}");
            }

            return 0;
        }
        catch (BackupException exception)
        {
            await error.WriteLineAsync($"nexus {arguments.Command.ToString().ToLowerInvariant()}: {exception.Message}");
            return 1;
        }
    }
}
