namespace Nexus.Cli.Backups;

/// <summary>Whose data a backup holds, and where that service keeps it: a PostgreSQL connection string, else its
/// embedded SQLite file, read from the same settings the service itself reads.</summary>
/// <param name="Name">What <c>--data</c> and the manifest call it.</param>
/// <param name="Database">The connection string's name (<c>ConnectionStrings__&lt;name&gt;</c>) and the dump's file name.</param>
/// <param name="SqliteVariable">The service's setting for its SQLite file, as an environment variable.</param>
/// <param name="SqliteFile">That setting's default, and the name of the copy in a backup.</param>
internal sealed record BackupDataSet(string Name, string Database, string SqliteVariable, string SqliteFile)
{
    /// <summary>The gateway's tenants, keys, policies, stored routes and audit.</summary>
    public static BackupDataSet Gateway { get; } = new("gateway", "nexusdb", "Nexus__Gateway__SqlitePath", "nexus-gateway.db");

    /// <summary>The agents' sessions, pending approvals and memories (Nexus.Agents, <c>Agents:SqlitePath</c>).</summary>
    public static BackupDataSet Agents { get; } = new("agents", "agentsdb", "Agents__SqlitePath", "nexus-agents.db");

    public static IReadOnlyList<BackupDataSet> All { get; } = [Gateway, Agents];

    public string PostgresVariable => $"ConnectionStrings__{Database}";

    public string PostgresDumpFile => $"{Database}.dump";
}
