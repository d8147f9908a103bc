using Microsoft.Extensions.Options;
using Nexus.Gateway.Storage;

namespace Nexus.Gateway.Routing.Static;

/// <summary>
/// Reads the stored routes at start, before the gateway serves, then every <see cref="GatewayOptions.RouteRefreshInterval"/>,
/// so a route created, changed or deleted on one replica serves on all of them within that interval. The replica that
/// made the change refreshes at once. When the store cannot be read the routes held keep serving.
/// </summary>
internal sealed class StoredRouteRefresher(
    IGatewayStore store, StaticRoutes routes, IOptions<GatewayOptions> options, TimeProvider time, ILogger<StoredRouteRefresher> logger) : IHostedService, IDisposable
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await RefreshAsync(cancellationToken);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Reads the store's routes and puts them in force. One read at a time, so an older read never lands after a newer one.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            routes.Update(await store.ListRoutesAsync(cancellationToken));
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(options.Value.RouteRefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                try
                {
                    await RefreshAsync(_stopping.Token);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    GatewayLog.RouteRefreshFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _refreshing.Dispose();
    }
}
