using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Routing.Static;

/// <summary>
/// Active health for static upstreams, which have no registration and no health endpoint of their own (any
/// OpenAI-compatible server): every <see cref="GatewayOptions.StaticProbeInterval"/>, a TCP connection to each
/// upstream's address, within <see cref="GatewayOptions.ConnectTimeout"/>. The first round runs before the gateway
/// serves, so a route whose upstream is down is never listed in <c>/v1/models</c>.
/// </summary>
internal sealed class StaticUpstreamProber(
    RouteResolver routes,
    StaticReachability reachability,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider time,
    ILogger<StaticUpstreamProber> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ProbeAllAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CurrentValue.StaticProbeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await ProbeAllAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    internal Task ProbeAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(routes.StaticUpstreams().Select(upstream => ProbeAsync(upstream, cancellationToken)));

    private async Task ProbeAsync(Upstream upstream, CancellationToken cancellationToken)
    {
        var reachable = await ConnectsAsync(upstream.BaseUrl, cancellationToken);
        if (reachable == reachability.IsDown(upstream.InstanceId)) GatewayLog.StaticUpstreamReachability(logger, upstream.InstanceId, reachable ? "reachable" : "unreachable");
        reachability.Set(upstream.InstanceId, reachable);
    }

    private async Task<bool> ConnectsAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.CurrentValue.ConnectTimeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(url.IdnHost, url.Port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
