using Nexus.Cli.Backups;

namespace Nexus.Cli;

internal enum CliCommand
{
    Backup,
    Restore,
}

/// <summary>The parsed command line; settings not given fall back to the environment variables of the service whose data
/// it is (<see cref="BackupDataSet"/>).</summary>
internal sealed record CliArguments(CliCommand Command, string Directory, BackupDataSet Data, string? Postgres, string Sqlite, string? PgBin, bool Force, bool Timestamped, int? Keep, bool Latest)
{
    public IBackupDatabase Database() =>
        Postgres is { Length: > 0 } ? new PostgresDatabase(Postgres, PgBin, Data) : new SqliteDatabase(Sqlite, Data);

    /// <summary>Where this run writes: the directory given, or with <c>--timestamped</c> a new one in it named by the UTC
    /// time (a CronJob's container has no shell to name it).</summary>
    public string BackupDirectory(DateTimeOffset now) =>
        Timestamped ? Path.Combine(Directory, now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture)) : Directory;

    public static bool TryParse(string[] args, Func<string, string?> environment, out CliArguments arguments, out string problem)
    {
        arguments = null!;
        problem = string.Empty;
        if (args.Length < 2)
        {
            problem = "a command and a directory are required";
            return false;
        }

        CliCommand command;
        switch (args[0])
        {
            case "backup": command = CliCommand.Backup; break;
            case "restore": command = CliCommand.Restore; break;
            default:
                problem = $"unknown command '{args[0]}'";
                return false;
        }

        string? postgres = null, sqlite = null, pgBin = environment("NEXUS_PG_BIN");
        var data = BackupDataSet.Gateway;
        bool force = false, timestamped = false, latest = false;
        int? keep = null;
        for (var i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--force" when command == CliCommand.Restore: force = true; continue;
                case "--latest" when command == CliCommand.Restore: latest = true; continue;
                case "--timestamped" when command == CliCommand.Backup: timestamped = true; continue;
                case "--keep" when command == CliCommand.Backup && i + 1 < args.Length:
                    if (!int.TryParse(args[++i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count < 1)
                    {
                        problem = $"--keep takes a number of backups, 1 or more, not '{args[i]}'";
                        return false;
                    }

                    keep = count;
                    continue;
                case "--postgres" or "--sqlite" or "--pg-bin" or "--data" when i + 1 < args.Length:
                    var value = args[++i];
                    switch (args[i - 1])
                    {
                        case "--postgres": postgres = value; break;
                        case "--sqlite": sqlite = value; break;
                        case "--pg-bin": pgBin = value; break;
                        default:
                            if (BackupDataSet.All.SingleOrDefault(d => d.Name == value) is not { } known)
                            {
                                problem = $"unknown --data '{value}': {string.Join(" or ", BackupDataSet.All.Select(d => d.Name))}";
                                return false;
                            }

                            data = known;
                            break;
                    }

                    continue;
                default:
                    problem = $"unexpected argument '{args[i]}'";
                    return false;
            }
        }

        if (keep is not null && !timestamped)
        {
            problem = "--keep needs --timestamped: it prunes the timestamped backups beside the new one";
            return false;
        }

        // --sqlite chooses the file even when the service's environment names a PostgreSQL database.
        if (sqlite is null) postgres ??= environment(data.PostgresVariable);
        sqlite ??= environment(data.SqliteVariable) ?? data.SqliteFile;
        arguments = new CliArguments(command, args[1], data, postgres, sqlite, pgBin, force, timestamped, keep, latest);
        return true;
    }
}
