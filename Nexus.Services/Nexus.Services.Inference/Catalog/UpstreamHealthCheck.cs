using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nexus.Services.Inference.Embeddings;

namespace Nexus.Services.Inference.Catalog;

/// <summary>
/// Ready when something serves: an upstream that lists its models, or the local embedding model. Degraded when some
/// upstreams do not answer or the local model failed while others serve; not ready when nothing does.
/// </summary>
internal sealed class UpstreamHealthCheck(UpstreamCatalog catalog, LocalEmbeddingModel local, IOptions<InferenceOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var configured = options.Value.Upstreams.Count;
        var localProblem = local.Enabled && !local.Ready ? local.NotReadyReason : null;
        if (configured == 0)
        {
            if (local.Ready) return HealthCheckResult.Healthy($"The local model {LocalEmbeddingModel.Id} serves embeddings; no upstream is configured (Inference:Upstreams).");
            return HealthCheckResult.Unhealthy(localProblem is null ? "No inference upstream is configured (Inference:Upstreams)." : $"No inference upstream is configured (Inference:Upstreams), and {localProblem}");
        }

        var unreachable = await catalog.UnreachableAsync(cancellationToken);
        var reasons = string.Join("; ", localProblem is null ? unreachable : [.. unreachable, localProblem]);
        if (unreachable.Count == 0) return localProblem is null ? HealthCheckResult.Healthy($"{configured} upstream(s) reachable.") : HealthCheckResult.Degraded(reasons);
        if (unreachable.Count < configured || local.Ready) return HealthCheckResult.Degraded(reasons);
        return HealthCheckResult.Unhealthy($"No upstream is reachable: {reasons}");
    }
}
