using System.Net;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Weighted splits between versions, and the automatic rollback of a bad one.</summary>
public sealed class CanaryTests
{
    private static object Chat => new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } };

    private static Dictionary<string, string?> Settings(FakeUpstream stable, FakeUpstream canary) => new()
    {
        ["Nexus:Gateway:Routes:Models:llama:0:Url"] = stable.BaseAddress.ToString(),
        ["Nexus:Gateway:Routes:Models:llama:0:Version"] = "1",
        ["Nexus:Gateway:Routes:Models:llama:1:Url"] = canary.BaseAddress.ToString(),
        ["Nexus:Gateway:Routes:Models:llama:1:Version"] = "2",
        ["Nexus:Gateway:Canaries:llama:Version"] = "2",
        ["Nexus:Gateway:Canaries:llama:WeightPercent"] = "50",
        ["Nexus:Gateway:Canaries:llama:MinRequests"] = "3",
        ["Nexus:Gateway:Canaries:llama:RollbackMargin"] = "0.1",
        ["Nexus:Gateway:CircuitFailureThreshold"] = "1000",
    };

    [Fact]
    public async Task Canary_FailingNewVersion_RolledBackAndTrafficReturnsToStable()
    {
        await using var stable = await FakeUpstream.StartAsync("stable");
        await using var canary = await FakeUpstream.StartAsync("canary");
        canary.Behavior = UpstreamBehavior.Fail503;
        await using var gateway = await GatewayHost.StartAsync(Settings(stable, canary));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        for (var i = 0; i < 200 && canary.Requests < 3; i++)
        {
            using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        JsonNode status;
        while (!(status = (await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/canaries", timeout.Token))!.Single()!)["rolledBack"]!.GetValue<bool>())
        {
            await Task.Delay(20, timeout.Token);
        }

        var canaryHits = canary.Requests;
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        status["rolledBack"]!.GetValue<bool>().ShouldBeTrue();
        canary.Requests.ShouldBe(canaryHits);
    }

    [Fact]
    public async Task Canary_HealthyNewVersion_ReceivesItsShare()
    {
        await using var stable = await FakeUpstream.StartAsync("stable");
        await using var canary = await FakeUpstream.StartAsync("canary");
        await using var gateway = await GatewayHost.StartAsync(Settings(stable, canary));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        for (var i = 0; i < 60; i++)
        {
            using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        canary.Requests.ShouldBeGreaterThan(0);
        stable.Requests.ShouldBeGreaterThan(0);
        var status = (await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/canaries"))!.Single()!;
        status["rolledBack"]!.GetValue<bool>().ShouldBeFalse();
    }
}
