using Nexus.Cli.Backups;

namespace Nexus.Cli;

internal enum CliCommand
{
    Backup,
    Restore,
}

/// <summary>The parsed command line; settings not given fall back to the gateway's own environment variables.</summary>
internal sealed record CliArguments(CliCommand Command, string Directory, string? Postgres, string Sqlite, string? PgBin, bool Force)
{
    public IBackupDatabase Database() =>
        Postgres is { Length: > 0 } ? new PostgresDatabase(Postgres, PgBin) : new SqliteDatabase(Sqlite);

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

        string? postgres = environment("ConnectionStrings__nexusdb");
        var sqlite = environment("Nexus__Gateway__SqlitePath") ?? "nexus-gateway.db";
        string? pgBin = environment("NEXUS_PG_BIN");
        var force = false;
        for (var i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--force" when command == CliCommand.Restore: force = true; continue;
                case "--postgres" or "--sqlite" or "--pg-bin" when i + 1 < args.Length:
                    var value = args[++i];
                    if (args[i - 1] == "--postgres") postgres = value;
                    else if (args[i - 1] == "--sqlite") { sqlite = value; postgres = null; }
                    else pgBin = value;
                    continue;
                default:
                    problem = $"unexpected argument '{args[i]}'";
                    return false;
            }
        }

        arguments = new CliArguments(command, args[1], postgres, sqlite, pgBin, force);
        return true;
    }
}
