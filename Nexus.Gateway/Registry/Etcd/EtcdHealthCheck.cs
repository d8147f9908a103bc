using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nexus.Gateway.Registry.Etcd;

/// <summary>The gateway is not ready while it cannot watch etcd: its view of the registry would go stale.</summary>
internal sealed class EtcdHealthCheck(EtcdBackend backend) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(backend.Connected
            ? HealthCheckResult.Healthy("watching etcd")
            : HealthCheckResult.Unhealthy($"not watching etcd: {backend.LastError ?? "connecting"}"));
}
