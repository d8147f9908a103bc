using System.Net;
using System.Text.Json.Nodes;
using Nexus.AppHost.Hosting;
using Nexus.AppHost.Tests.Infrastructure;

namespace Nexus.AppHost.Tests.EndToEnd;

/// <summary>The real composition (Program.cs) through the testing entry point. Few on purpose: each starts real processes.</summary>
public sealed class CompositionTests
{
    [Fact]
    public async Task StartAsync_EmbeddedInfrastructure_GatewayServesAndIsRestartedWhenKilled()
    {
        await using var app = await NexusTestingApp.StartAsync([], o => o.Infrastructure = InfrastructurePreference.Embedded)
            .WaitAsync(TimeSpan.FromMinutes(2));
        var gateway = app.CreateHttpClient("gateway");

        (await gateway.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var metadata = JsonNode.Parse(await gateway.GetStringAsync(new Uri("/v1/metadata", UriKind.Relative)))!;
        metadata["name"]!.GetValue<string>().ShouldBe("gateway");
        app.GetState("postgres").ShouldBe(ResourceState.Embedded);
        app.GetPlan("postgres").Why.ShouldContain("embedded requested");
        app.GetPlan("gateway").Launch!.Environment.ContainsKey("ConnectionStrings__nexusdb").ShouldBeFalse();
        app.GetPlan("gateway").Launch!.Environment["Nexus__Registry__Token"].Length.ShouldBe(32);

        var first = app.GetProcessId("gateway")!.Value;
        using (var process = System.Diagnostics.Process.GetProcessById(first)) process.Kill();
        await TestModel.WaitUntilAsync(() => app.GetRestarts("gateway") == 1 && app.GetState("gateway") == ResourceState.Healthy,
            "the gateway to restart and become healthy", seconds: 60);
        (await gateway.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [SkippableFact]
    public async Task StartAsync_LocalBinaries_RunsPostgresRedisEtcdAndHandsTheirAddressesToTheGateway()
    {
        Skip.If(!TestModel.InCi && (ToolLocator.Find("redis-server") is null || ToolLocator.Find("etcd") is null
            || !ToolLocator.PostgresDirectories().Any()), "PostgreSQL, redis-server or etcd is not installed.");

        await using var app = await NexusTestingApp.StartAsync([], o => o.Infrastructure = InfrastructurePreference.Local)
            .WaitAsync(TimeSpan.FromMinutes(3));

        foreach (var resource in new[] { "postgres", "redis", "etcd" }) app.GetPlan(resource).How.ShouldBe("local binary", resource);
        var environment = app.GetPlan("gateway").Launch!.Environment;
        environment["ConnectionStrings__nexusdb"].ShouldContain($"Port={app.GetEndpoint("postgres", "tcp").Port};");
        environment["ConnectionStrings__nexusdb"].ShouldEndWith(";Database=nexusdb");
        environment["ConnectionStrings__redis"].ShouldBe($"127.0.0.1:{app.GetEndpoint("redis", "tcp").Port}");
        using var etcd = new HttpClient();
        (await etcd.GetStringAsync(new Uri(new Uri(environment["Nexus__Registry__Etcd__Url"]), "/health"))).ShouldContain("true");
        (await app.CreateHttpClient("gateway").GetAsync(new Uri("/health", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
