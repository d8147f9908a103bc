using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nexus.Gateway.Registry.Etcd;

/// <summary>The gateway is not ready while etcd does not answer or it cannot watch etcd: its view of the registry would go stale.</summary>
internal sealed class EtcdHealthCheck(EtcdBackend backend) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await backend.PingAsync(cancellationToken);
        }
        catch (EtcdException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }

        return backend.Connected
            ? HealthCheckResult.Healthy("watching etcd")
            : HealthCheckResult.Unhealthy($"not watching etcd: {backend.LastError ?? "connecting"}");
    }
}
