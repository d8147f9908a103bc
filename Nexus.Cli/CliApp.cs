using Nexus.Cli.Backups;

namespace Nexus.Cli;

/// <summary>Parses the command line and runs one command; the exit code is 0 on success, 1 on a failed command and 2
/// on a usage error.</summary>
internal static class CliApp
{
    public const string Usage = """
        usage: nexus backup <dir>  [--postgres <connection string> | --sqlite <file>] [--pg-bin <dir>]
               nexus restore <dir> [--postgres <connection string> | --sqlite <file>] [--pg-bin <dir>] [--force]

        The database is PostgreSQL when --postgres (or ConnectionStrings__nexusdb) gives an Npgsql connection string,
        otherwise the SQLite file of --sqlite (or Nexus__Gateway__SqlitePath, default nexus-gateway.db).
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
                var manifest = await BackupRunner.BackupAsync(database, arguments.Directory, cancellationToken);
                await output.WriteLineAsync($"backed up {manifest.Source} to {arguments.Directory} ({manifest.Files.Sum(f => f.Bytes)} bytes)");
            }
            else
            {
                var manifest = await BackupRunner.RestoreAsync(database, arguments.Directory, arguments.Force, cancellationToken);
                await output.WriteLineAsync($"restored the {manifest.Source} backup of {manifest.CreatedAt:O} from {arguments.Directory}");
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
