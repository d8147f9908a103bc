using Nexus.Gateway.Tests.Infrastructure;
using OpenAI.Chat;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Retries before the first byte, circuit breaking and passive health across instances.</summary>
public sealed class ResilienceTests
{
    [Fact]
    public async Task Chat_OneInstanceAnswers503_RetriedOnAnotherAndSucceeds()
    {
        await using var failing = await FakeUpstream.StartAsync("failing");
        await using var healthy = await FakeUpstream.StartAsync("healthy");
        failing.Behavior = UpstreamBehavior.Fail503;
        var registry = new TestRegistry();
        registry.Add("failing", failing.BaseAddress, "inference", ["qwen"]);
        registry.Add("healthy", healthy.BaseAddress, "inference", ["qwen"]);
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync();
        var chat = gateway.OpenAI(key).GetChatClient("qwen");

        // The balancer tries either instance first at random: twenty requests reach the failing one with certainty
        // (one chance in a million not to), where six missed it one run in sixty-four.
        for (var i = 0; i < 20; i++)
        {
            (await chat.CompleteChatAsync([new UserChatMessage("Hi")])).Value.Content[0].Text.ShouldBe("Hello from healthy");
        }

        failing.Requests.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Chat_RetriedAfter503_KeepsRateLimitHeaders()
    {
        await using var failing = await FakeUpstream.StartAsync("failing");
        await using var healthy = await FakeUpstream.StartAsync("healthy");
        failing.Behavior = UpstreamBehavior.Fail503;
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", failing, healthy));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { requestsPerMinute = 1000 });
        using var client = gateway.Client(key);

        for (var i = 0; i < 20 && failing.Requests == 0; i++)
        {
            using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            response.Headers.GetValues("x-ratelimit-limit-requests").Single().ShouldBe("1000");
        }

        failing.Requests.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Chat_OneInstanceRefusesConnections_RetriedOnAnother()
    {
        var dead = await FakeUpstream.StartAsync("dead");
        var deadAddress = dead.BaseAddress;
        await dead.DisposeAsync();
        await using var healthy = await FakeUpstream.StartAsync("healthy");
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Gateway:Routes:Models:llama:0:Url"] = deadAddress.ToString(),
            ["Nexus:Gateway:Routes:Models:llama:1:Url"] = healthy.BaseAddress.ToString(),
        });
        var (_, _, key) = await gateway.CreateKeyAsync();
        var chat = gateway.OpenAI(key).GetChatClient("llama");

        for (var i = 0; i < 6; i++)
        {
            (await chat.CompleteChatAsync([new UserChatMessage("Hi")])).Value.Content[0].Text.ShouldBe("Hello from healthy");
        }
    }

    [Fact]
    public async Task Chat_InstanceKeepsFailing_CircuitOpensAndTrafficAvoidsIt()
    {
        await using var broken = await FakeUpstream.StartAsync("broken");
        await using var healthy = await FakeUpstream.StartAsync("healthy");
        broken.Behavior = UpstreamBehavior.Fail503;
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", broken, healthy)
            .With("Nexus:Gateway:CircuitFailureThreshold", "2")
            .With("Nexus:Gateway:CircuitBreakDuration", "00:10:00"));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        for (var i = 0; i < 40 && broken.Requests < 2; i++)
        {
            using var warmup = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });
        }

        broken.Requests.ShouldBe(2);
        for (var i = 0; i < 10; i++)
        {
            using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });
            response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        }

        broken.Requests.ShouldBe(2);
    }

    [Fact]
    public async Task Chat_TwoHealthyInstances_BothReceiveTraffic()
    {
        await using var a = await FakeUpstream.StartAsync("a");
        await using var b = await FakeUpstream.StartAsync("b");
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", a, b));
        var (_, _, key) = await gateway.CreateKeyAsync();
        var chat = gateway.OpenAI(key).GetChatClient("llama");

        for (var i = 0; i < 40; i++) await chat.CompleteChatAsync([new UserChatMessage("Hi")]);

        a.Requests.ShouldBeGreaterThan(0);
        b.Requests.ShouldBeGreaterThan(0);
        (a.Requests + b.Requests).ShouldBe(40);
    }
}
