using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Inference.Catalog;

/// <summary>Ready when at least one upstream lists its models; degraded when some do not; not ready with none configured.</summary>
internal sealed class UpstreamHealthCheck(UpstreamCatalog catalog, IOptions<InferenceOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var configured = options.Value.Upstreams.Count;
        if (configured == 0) return HealthCheckResult.Unhealthy("No inference upstream is configured (Inference:Upstreams).");
        var unreachable = await catalog.UnreachableAsync(cancellationToken);
        if (unreachable.Count == 0) return HealthCheckResult.Healthy($"{configured} upstream(s) reachable.");
        var reasons = string.Join("; ", unreachable);
        return unreachable.Count == configured ? HealthCheckResult.Unhealthy($"No upstream is reachable: {reasons}") : HealthCheckResult.Degraded(reasons);
    }
}
