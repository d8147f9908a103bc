namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>
/// One real etcd for a test class, whose tests share it under their own key prefixes. A fixture cannot skip a test,
/// so where etcd is not installed it records why and each test skips on <see cref="Require"/> (in CI it fails instead).
/// </summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private EtcdServer? _server;
    private string? _unavailable;

    public async Task InitializeAsync()
    {
        if (TestPrograms.Find("etcd") is null && !TestEnvironment.IsCi)
        {
            _unavailable = "etcd is not installed (Debian package etcd-server).";
            return;
        }

        _server = await EtcdServer.StartAsync();
    }

    /// <summary>The server, or a skip when etcd is not installed.</summary>
    public EtcdServer Require()
    {
        Skip.If(_unavailable is not null, _unavailable);
        return _server!;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
