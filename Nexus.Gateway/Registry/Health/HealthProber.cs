using Microsoft.Extensions.Options;
using Nexus.Gateway.Security;

namespace Nexus.Gateway.Registry.Health;

/// <summary>
/// Active health checks: every instance's health endpoint once per interval, and a new instance at once so it
/// becomes ready without waiting a full interval. A 2xx within the timeout is healthy; anything else is not.
/// </summary>
internal sealed partial class HealthProber(
    ServiceRegistry registry,
    IHttpClientFactory clients,
    IOptions<RegistryOptions> options,
    TimeProvider time,
    ILogger<HealthProber> logger) : BackgroundService
{
    private readonly RegistryHealthOptions _options = options.Value.Health;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ProbePeriodicallyAsync(stoppingToken), ProbeNewcomersAsync(stoppingToken));

    /// <summary>Probes every instance once, concurrently; what the periodic loop does on each tick.</summary>
    internal Task ProbeAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(registry.ProbeTargets().Select(t => ProbeAsync(t.InstanceId, t.HealthUrl, cancellationToken)));

    /// <summary>Probes one instance and feeds the result to the registry.</summary>
    internal async Task ProbeAsync(string instanceId, Uri healthUrl, CancellationToken cancellationToken)
    {
        var (healthy, failure) = await CheckAsync(healthUrl, cancellationToken);
        if (!healthy) LogProbeFailed(logger, instanceId, failure);
        registry.ApplyProbe(instanceId, healthy, failure);
    }

    private async Task ProbePeriodicallyAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ProbeInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await ProbeAllAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task ProbeNewcomersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in registry.WatchAsync(cancellationToken))
            {
                if (change.Kind != RegistryChangeKind.Added) continue;
                var instance = change.Instance;
                var target = RelativeEndpoint.Resolve(instance.BaseUrl, instance.Descriptor.Endpoints.Health);
                await ProbeAsync(instance.InstanceId, target, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<(bool Healthy, string? Failure)> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ProbeTimeout);
        try
        {
            using var http = clients.CreateClient(DescriptorFetcher.HttpClientName);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? (true, null) : (false, $"health probe answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return (false, $"health probe failed: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"health probe timed out after {_options.ProbeTimeout.TotalSeconds:0.###}s");
        }
    }

    [LoggerMessage(EventId = 4040, Level = LogLevel.Debug, Message = "Health probe of {InstanceId} failed: {Reason}")]
    private static partial void LogProbeFailed(ILogger logger, string instanceId, string? reason);
}
