using Npgsql;

namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>A real PostgreSQL 15 cluster in a temporary directory on a random port. PostgreSQL refuses to run as root, so as root it runs as the postgres user.</summary>
public sealed class PostgresServer : LocalServer
{
    public const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"nexus-pg-{Guid.NewGuid():N}");

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=nexus;Database=postgres;Pooling=true";

    public static async Task<PostgresServer> StartAsync()
    {
        RequireProgram(Path.Combine(Bin, "postgres"));
        var server = new PostgresServer();
        Directory.CreateDirectory(server._directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync("chown", "-R", "postgres", server._directory);
        var data = Path.Combine(server._directory, "data");
        var (runner, prefix) = asRoot ? ("runuser", new[] { "-u", "postgres", "--" }) : (Path.Combine(Bin, "initdb"), Array.Empty<string>());
        await RunAsync(asRoot ? runner : Path.Combine(Bin, "initdb"), [.. prefix, .. asRoot ? new[] { Path.Combine(Bin, "initdb") } : [], "-D", data, "-U", "nexus", "--auth=trust", "-E", "UTF8"]);
        string[] postgres = [Path.Combine(Bin, "postgres"), "-D", data, "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-k", server._directory];
        if (asRoot) server.Start("runuser", [.. prefix, .. postgres]);
        else server.Start(postgres[0], postgres[1..]);
        await server.WaitUntilAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(server.ConnectionString);
            await connection.OpenAsync();
            return true;
        }, "postgres");
        return server;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process: the temporary directory is cleaned by the OS later.
        }
    }
}
