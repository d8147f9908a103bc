using System.Globalization;

namespace Nexus.Testing;

/// <summary>A real PostgreSQL 15 cluster in a temporary directory on a random loopback port; it can be killed and started
/// again on the same data. PostgreSQL refuses to run as root, so as root it runs as the postgres user.</summary>
public sealed class PostgresServer : LocalServer
{
    public const string Bin = "/usr/lib/postgresql/15/bin";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"nexus-pg-{Guid.NewGuid():N}");

    private PostgresServer()
    {
    }

    /// <summary>An Npgsql connection string (the form Aspire injects as <c>ConnectionStrings__name</c>).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=nexus;Database=postgres;Pooling=true";

    private static bool AsRoot => Environment.UserName == "root";

    private string DataDirectory => Path.Combine(_directory, "data");

    public static async Task<PostgresServer> StartAsync()
    {
        TestPrograms.Require(Path.Combine(Bin, "postgres"));
        var server = new PostgresServer();
        Directory.CreateDirectory(server._directory);
        if (AsRoot) await RunAsync("chown", "-R", "postgres", server._directory);
        string[] initdb = [Path.Combine(Bin, "initdb"), "-D", server.DataDirectory, "-U", "nexus", "--auth=trust", "-E", "UTF8"];
        if (AsRoot) await RunAsync("runuser", ["-u", "postgres", "--", .. initdb]);
        else await RunAsync(initdb[0], initdb[1..]);
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on the same port and data, and waits until it accepts connections.</summary>
    public async Task RestartAsync()
    {
        string[] postgres = [Path.Combine(Bin, "postgres"), "-D", DataDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-h", "127.0.0.1", "-k", _directory];
        if (AsRoot) Start("runuser", ["-u", "postgres", "--", .. postgres]);
        else Start(postgres[0], postgres[1..]);
        await WaitUntilAsync(async () =>
        {
            await RunAsync(Path.Combine(Bin, "pg_isready"), "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "nexus", "-d", "postgres");
            return true;
        }, "postgres");
    }

    /// <summary>Stops the server as a crash would (<c>pg_ctl stop -m immediate</c>: no checkpoint, connections cut), keeping its data.
    /// Not a kill of the process tree: a killed postmaster lingers as a zombie whose locks refuse the next start.</summary>
    public async Task StopAsync()
    {
        string[] stop = [Path.Combine(Bin, "pg_ctl"), "stop", "-D", DataDirectory, "-m", "immediate", "-w"];
        if (AsRoot) await RunAsync("runuser", ["-u", "postgres", "--", .. stop]);
        else await RunAsync(stop[0], stop[1..]);
        await KillAsync();
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
