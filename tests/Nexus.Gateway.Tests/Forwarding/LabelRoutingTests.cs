using System.Net;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Selection by labels (tier, host, gpu, any key), from the policies or headers they allow; service scopes.</summary>
public sealed class LabelRoutingTests
{
    private static object Chat => new { model = "qwen", messages = new[] { new { role = "user", content = "Hi" } } };

    private static TestRegistry Registry(FakeUpstream premium, FakeUpstream basic)
    {
        var registry = new TestRegistry();
        registry.Add("premium-1", premium.BaseAddress, "inference", ["qwen"], labels: new Dictionary<string, string> { ["tier"] = "premium" });
        registry.Add("basic-1", basic.BaseAddress, "inference", ["qwen"], labels: new Dictionary<string, string> { ["tier"] = "basic" });
        return registry;
    }

    [Fact]
    public async Task Chat_PolicyDefaultTier_RoutesOnlyToThatTier()
    {
        await using var premium = await FakeUpstream.StartAsync("premium");
        await using var basic = await FakeUpstream.StartAsync("basic");
        await using var gateway = await GatewayHost.StartAsync(registry: Registry(premium, basic));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { defaultTier = "premium" });
        using var client = gateway.Client(key);

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        premium.Requests.ShouldBe(10);
        basic.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task Chat_TierHeader_HonouredOnlyWhenPolicyAllowsIt()
    {
        await using var premium = await FakeUpstream.StartAsync("premium");
        await using var basic = await FakeUpstream.StartAsync("basic");
        await using var gateway = await GatewayHost.StartAsync(registry: Registry(premium, basic));
        var (_, _, allowed) = await gateway.CreateKeyAsync(keyPolicy: new { defaultTier = "premium", allowTierHeader = true });
        var (_, _, notAllowed) = await gateway.CreateKeyAsync(keyPolicy: new { defaultTier = "premium" });

        foreach (var key in new[] { allowed, notAllowed })
        {
            using var client = gateway.Client(key);
            client.DefaultRequestHeaders.Add("X-Nexus-Tier", "basic");
            using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        basic.Requests.ShouldBe(1);
        premium.Requests.ShouldBe(1);
    }

    private static async Task<(TestRegistry Registry, FakeUpstream[] Boxes)> ThreeBoxesAsync()
    {
        var boxes = new[] { await FakeUpstream.StartAsync("a100-box1"), await FakeUpstream.StartAsync("a100-box2"), await FakeUpstream.StartAsync("t4-box1") };
        var registry = new TestRegistry();
        registry.Add("a100-box1", boxes[0].BaseAddress, "inference", ["qwen"], labels: new Dictionary<string, string> { ["gpu"] = "a100", ["host"] = "box-1" });
        registry.Add("a100-box2", boxes[1].BaseAddress, "inference", ["qwen"], labels: new Dictionary<string, string> { ["gpu"] = "a100", ["host"] = "box-2" });
        registry.Add("t4-box1", boxes[2].BaseAddress, "inference", ["qwen"], labels: new Dictionary<string, string> { ["gpu"] = "t4", ["host"] = "box-1" });
        return (registry, boxes);
    }

    [Fact]
    public async Task Chat_PolicyRouteLabels_RoutesOnlyToInstancesCarryingEveryLabel()
    {
        var (registry, boxes) = await ThreeBoxesAsync();
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        // The tenant pins the GPU, the key adds the host: both apply.
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { routeLabels = new { gpu = "a100" } }, keyPolicy: new { routeLabels = new { host = "box-2" } });
        using var client = gateway.Client(key);

        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        boxes.Select(b => b.Requests).ShouldBe([0, 6, 0]);
        foreach (var box in boxes) await box.DisposeAsync();
    }

    [Fact]
    public async Task Chat_RouteHeader_ChoosesLabelsOnlyWhenPolicyAllowsIt()
    {
        var (registry, boxes) = await ThreeBoxesAsync();
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, allowed) = await gateway.CreateKeyAsync(keyPolicy: new { routeLabels = new { host = "box-2" }, allowRouteHeader = true });
        var (_, _, notAllowed) = await gateway.CreateKeyAsync(keyPolicy: new { routeLabels = new { host = "box-2" } });

        foreach (var key in new[] { allowed, notAllowed })
        {
            using var client = gateway.Client(key);
            client.DefaultRequestHeaders.Add("X-Nexus-Route", "gpu=t4; host=box-1");
            using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        boxes.Select(b => b.Requests).ShouldBe([0, 1, 1]);
        foreach (var box in boxes) await box.DisposeAsync();
    }

    [Fact]
    public async Task Chat_MalformedRouteHeader_400InOpenAIEnvelope()
    {
        var (registry, boxes) = await ThreeBoxesAsync();
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowRouteHeader = true });
        using var client = gateway.Client(key);
        client.DefaultRequestHeaders.Add("X-Nexus-Route", "gpu");

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("invalid_route_header");
        error["message"]!.GetValue<string>().ShouldContain("X-Nexus-Route");
        boxes.Sum(b => b.Requests).ShouldBe(0);
        foreach (var box in boxes) await box.DisposeAsync();
    }

    [Fact]
    public async Task Chat_NoInstanceCarriesTheLabels_503NamesThem()
    {
        var (registry, boxes) = await ThreeBoxesAsync();
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { routeLabels = new { gpu = "t4", host = "box-2" } });
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("no_instance_for_labels");
        error["message"]!.GetValue<string>().ShouldContain("gpu=t4, host=box-2");
        boxes.Sum(b => b.Requests).ShouldBe(0);
        foreach (var box in boxes) await box.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"requestsPerMinute":-1}""")]
    [InlineData("""{"routeLabels":{"gpu":""}}""")]
    [InlineData("""{"routeLabels":{"gpu=a100":"x"}}""")]
    public async Task AdminCreateTenant_UnsoundPolicy_400ProblemDetails(string policy)
    {
        await using var gateway = await GatewayHost.StartAsync();

        using var response = await gateway.Admin.PostAsync("admin/tenants",
            new StringContent($$"""{"name":"acme","policy":{{policy}}}""", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Services_ScopeForOneService_OtherServiceForbidden()
    {
        await using var ocr = await FakeUpstream.StartAsync("ocr");
        await using var speech = await FakeUpstream.StartAsync("speech");
        await using var gateway = await GatewayHost.StartAsync(Routes.Service("ocr", ocr).With(Routes.Service("speech", speech)));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { scopes = new[] { "services:ocr" } });
        using var client = gateway.Client(key);

        using var allowed = await client.GetAsync("v1/services/ocr/health");
        using var forbidden = await client.GetAsync("v1/services/speech/health");
        using var unknown = await client.GetAsync("v1/services/nothing/health");

        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        forbidden.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        unknown.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        speech.Requests.ShouldBe(0);
    }
}
