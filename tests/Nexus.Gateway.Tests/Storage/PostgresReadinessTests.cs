using System.Net;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Storage;

/// <summary>Readiness on a real PostgreSQL that goes away and comes back.</summary>
public sealed class PostgresReadinessTests
{
    [SkippableFact]
    public async Task Health_PostgresKilled_IsUnhealthyWhileLivenessStaysUp_ThenRecoversWhenItRestarts()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:nexusdb"] = postgres.ConnectionString });
        (await HealthAsync(gateway, "health")).ShouldBe(HttpStatusCode.OK);

        await postgres.StopAsync();
        await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.ServiceUnavailable, "readiness to fail without PostgreSQL");
        (await HealthAsync(gateway, "alive")).ShouldBe(HttpStatusCode.OK);

        await postgres.RestartAsync();
        await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.OK, "readiness once PostgreSQL is back");
        using var tenants = await gateway.Admin.GetAsync("admin/tenants");
        tenants.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<HttpStatusCode> HealthAsync(GatewayHost gateway, string path)
    {
        using var response = await gateway.Http.GetAsync(path);
        return response.StatusCode;
    }
}
