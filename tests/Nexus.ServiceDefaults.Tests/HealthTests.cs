using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Health_AllChecksHealthy_Returns200WithEachCheck()
    {
        await using var service = await EchoService.StartAsync();

        var response = await service.Client.GetAsync("health");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        report["status"]!.GetValue<string>().ShouldBe("Healthy");
        report["checks"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ShouldContain("self");
    }

    [Fact]
    public async Task Health_EngineCheckFails_ReadinessIs503WithReasonButLivenessStays200()
    {
        await using var service = await EchoService.StartAsync(configure: builder =>
            builder.Services.AddHealthChecks().AddCheck("engine", () => HealthCheckResult.Unhealthy("espeak-ng is not installed")));

        var ready = await service.Client.GetAsync("health");
        var alive = await service.Client.GetAsync("alive");

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("espeak-ng is not installed");
        alive.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
