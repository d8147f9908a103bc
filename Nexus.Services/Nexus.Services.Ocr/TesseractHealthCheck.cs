using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Ocr;

/// <summary>Ready when tesseract is installed.</summary>
internal sealed class TesseractHealthCheck(TesseractEngine engine, IOptions<OcrOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(engine.IsInstalled
            ? HealthCheckResult.Healthy("tesseract is installed.")
            : HealthCheckResult.Unhealthy($"{options.Value.Tesseract} is not installed; OCR is unavailable."));
}
