using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Image.Backends;

namespace Nexus.Services.Image;

/// <summary>The models: Automatic1111's checkpoints when it is configured and answers, and procedural-dev when enabled.</summary>
internal sealed class ImageCatalog(Automatic1111Backend automatic1111, IOptions<ImageOptions> options) : IModelCatalog
{
    public async ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken)
    {
        var models = new List<ModelDescriptor>();
        if (automatic1111.IsConfigured)
        {
            try
            {
                models.AddRange(await automatic1111.ModelsAsync(cancellationToken));
            }
            catch (BackendUnavailableException ex)
            {
                models.Add(new ModelDescriptor { Id = "automatic1111", OwnedBy = "automatic1111", OutputModalities = ["image"], Ready = false, Reason = ex.Message });
            }
        }

        if (options.Value.ProceduralDev)
        {
            models.Add(new ModelDescriptor
            {
                Id = ProceduralBackend.ModelId,
                OwnedBy = "nexus",
                OutputModalities = ["image"],
                Labels = new Dictionary<string, string> { ["tier"] = "development" },
            });
        }

        return models;
    }
}

/// <summary>Ready when some model can draw; the reason otherwise.</summary>
internal sealed class ImageHealthCheck(IModelCatalog catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var models = await catalog.GetModelsAsync(cancellationToken);
        if (models.Count == 0) return HealthCheckResult.Unhealthy("No image backend is configured (Image:Automatic1111Url) and procedural-dev is off.");
        var missing = models.Where(m => !m.Ready).Select(m => m.Reason).ToList();
        if (missing.Count == 0) return HealthCheckResult.Healthy($"{models.Count} model(s) ready.");
        return missing.Count == models.Count ? HealthCheckResult.Unhealthy(string.Join("; ", missing)) : HealthCheckResult.Degraded(string.Join("; ", missing));
    }
}
