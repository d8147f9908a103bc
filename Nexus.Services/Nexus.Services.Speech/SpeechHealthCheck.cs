using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nexus.Contract;

namespace Nexus.Services.Speech;

/// <summary>Ready when every model can serve; degraded (still routed) when some can; unhealthy when none can, with the reasons.</summary>
internal sealed class SpeechHealthCheck(IModelCatalog catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var models = await catalog.GetModelsAsync(cancellationToken);
        var missing = models.Where(m => !m.Ready).Select(m => $"{m.Id}: {m.Reason}").Distinct().ToList();
        if (missing.Count == 0) return HealthCheckResult.Healthy("All engines are installed.");
        var description = string.Join("; ", missing);
        return missing.Count == models.Count ? HealthCheckResult.Unhealthy(description) : HealthCheckResult.Degraded(description);
    }
}
