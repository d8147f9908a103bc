namespace Nexus.Gateway.Storage;

/// <summary>Applies the store's versioned migrations at start, before the gateway serves a request.</summary>
internal sealed class StoreMigrator(IGatewayStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
