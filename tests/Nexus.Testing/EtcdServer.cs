using System.Globalization;

namespace Nexus.Testing;

/// <summary>A real etcd (Debian's etcd-server) on random loopback ports with a throw-away data directory; it can be
/// killed and started again on the same ports and data.</summary>
public sealed class EtcdServer : LocalServer
{
    private readonly int _peerPort = FreePort();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("nexus-etcd-").FullName;
    private string _executable = "";

    private EtcdServer()
    {
    }

    /// <summary>The client URL (gRPC and HTTP); etcd refuses URLs with a path, even "/".</summary>
    public string ClientUrl => $"http://127.0.0.1:{Port}";

    public static async Task<EtcdServer> StartAsync()
    {
        var server = new EtcdServer { _executable = TestPrograms.Require("etcd") };
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts etcd (again, after <see cref="LocalServer.KillAsync"/>) and waits until its <c>/health</c> answers 200.</summary>
    public async Task RestartAsync()
    {
        var peer = $"http://127.0.0.1:{_peerPort.ToString(CultureInfo.InvariantCulture)}";
        Start(_executable,
        [
            "--name", "test", "--data-dir", _dataDirectory,
            "--listen-client-urls", ClientUrl, "--advertise-client-urls", ClientUrl,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"test={peer}",
        ]);
        using var http = new HttpClient { BaseAddress = new Uri(ClientUrl), Timeout = TimeSpan.FromSeconds(2) };
        await WaitUntilAsync(async () =>
        {
            using var response = await http.GetAsync("health");
            return response.IsSuccessStatusCode;
        }, "etcd");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
