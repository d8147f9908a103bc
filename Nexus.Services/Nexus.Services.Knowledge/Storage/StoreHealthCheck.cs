using System.Data.Common;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nexus.Services.Knowledge.Storage;

/// <summary>Ready while the database answers.</summary>
internal sealed class StoreHealthCheck(KnowledgeStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.Name} answers.");
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"{store.Name} cannot be reached: {ex.Message}");
        }
    }
}
