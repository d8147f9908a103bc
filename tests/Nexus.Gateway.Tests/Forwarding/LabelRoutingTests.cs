using System.Net;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Selection by the tier label, from the key's policy or a header the policy allows; service scopes.</summary>
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
