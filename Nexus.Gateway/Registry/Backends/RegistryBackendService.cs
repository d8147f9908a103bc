namespace Nexus.Gateway.Registry.Backends;

/// <summary>Runs the backend's loop (lease sweeping, or etcd's list-and-watch) for the life of the gateway.</summary>
internal sealed class RegistryBackendService(IRegistryBackend backend) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await backend.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
