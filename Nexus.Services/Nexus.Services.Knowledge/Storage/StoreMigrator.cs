namespace Nexus.Services.Knowledge.Storage;

/// <summary>Applies the store's migrations at start, before the service serves a request.</summary>
internal sealed class StoreMigrator(KnowledgeStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
