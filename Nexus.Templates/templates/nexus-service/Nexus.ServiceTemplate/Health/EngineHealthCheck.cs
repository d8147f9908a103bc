using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nexus.ServiceTemplate.Health;

/// <summary>
/// Readiness of the engine the service wraps. Set <c>Engine:Program</c> to the program the service runs
/// (e.g. <c>tesseract</c>); until it is found on PATH the service reports "not ready" with the reason,
/// and the gateway sends it no traffic.
/// </summary>
public sealed class EngineHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var program = configuration["Engine:Program"];
        if (string.IsNullOrWhiteSpace(program)) return Task.FromResult(HealthCheckResult.Healthy("This service needs no engine."));

        var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
        return Task.FromResult(found
            ? HealthCheckResult.Healthy($"{program} is installed.")
            : HealthCheckResult.Unhealthy($"{program} is not installed or not on PATH."));
    }
}
