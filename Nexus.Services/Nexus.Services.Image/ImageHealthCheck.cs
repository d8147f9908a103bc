using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nexus.Contract;

namespace Nexus.Services.Image;

/// <summary>Ready when some model can draw; the reason otherwise.</summary>
internal sealed class ImageHealthCheck(IModelCatalog catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var models = await catalog.GetModelsAsync(cancellationToken);
        if (models.Count == 0) return HealthCheckResult.Unhealthy("No image backend is configured (Image:Automatic1111Url, Image:ComfyUIUrl) and procedural-dev is off.");
        var missing = models.Where(m => !m.Ready).Select(m => m.Reason).ToList();
        if (missing.Count == 0) return HealthCheckResult.Healthy($"{models.Count} model(s) ready.");
        return missing.Count == models.Count ? HealthCheckResult.Unhealthy(string.Join("; ", missing)) : HealthCheckResult.Degraded(string.Join("; ", missing));
    }
}
