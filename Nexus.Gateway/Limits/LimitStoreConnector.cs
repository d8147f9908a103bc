namespace Nexus.Gateway.Limits;

/// <summary>Creates the shared limits store (and so its Redis connection) while the gateway starts.</summary>
internal sealed class LimitStoreConnector(ILimitStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(store);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
