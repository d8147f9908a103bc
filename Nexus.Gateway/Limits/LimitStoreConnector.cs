namespace Nexus.Gateway.Limits;

/// <summary>
/// Connects the shared limits store while the gateway starts and loads its scripts, so the first requests do not
/// wait for either. Redis down at start delays nothing for long: requests then fail (or fail open) as at any other
/// time, the readiness check says why, and the client keeps reconnecting.
/// </summary>
internal sealed partial class LimitStoreConnector(RedisLimitStore store, ILogger<LimitStoreConnector> logger) : IHostedService
{
    private static readonly TimeSpan WarmUpTimeout = TimeSpan.FromSeconds(5);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.WarmUpAsync(WarmUpTimeout);
        }
        catch (LimitStoreException exception)
        {
            LogNotReady(logger, exception.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(3103, LogLevel.Warning, "The shared limits store is not ready at start: {Reason}")]
    private static partial void LogNotReady(ILogger logger, string reason);
}
