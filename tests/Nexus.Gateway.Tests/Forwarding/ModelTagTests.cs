using System.Net;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Ollama's convention through the gateway: an untagged model name and its <c>:latest</c> tag reach one model.</summary>
public sealed class ModelTagTests
{
    private static object Chat(string model) => new { model, messages = new[] { new { role = "user", content = "Hi" } } };

    [Fact]
    public async Task Chat_UntaggedName_RoutesToTheLatestTag()
    {
        await using var ollama = await FakeUpstream.StartAsync("ollama");
        var registry = new TestRegistry();
        registry.Add("inference-1", ollama.BaseAddress, "inference", ["llama3.2:latest"]);
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama3.2"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ollama.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task Chat_ExactUntaggedName_WinsOverTheLatestTag()
    {
        await using var ollama = await FakeUpstream.StartAsync("ollama");
        await using var vllm = await FakeUpstream.StartAsync("vllm");
        var registry = new TestRegistry();
        registry.Add("ollama-1", ollama.BaseAddress, "inference", ["qwen2.5:latest"]);
        registry.Add("vllm-1", vllm.BaseAddress, "inference", ["qwen2.5"]);
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var untagged = await client.PostAsJsonAsync("v1/chat/completions", Chat("qwen2.5"));
        using var tagged = await client.PostAsJsonAsync("v1/chat/completions", Chat("qwen2.5:latest"));

        untagged.StatusCode.ShouldBe(HttpStatusCode.OK);
        tagged.StatusCode.ShouldBe(HttpStatusCode.OK);
        vllm.Requests.ShouldBe(1);
        ollama.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task Chat_LatestTag_RoutesToAStaticRouteConfiguredUntagged()
    {
        await using var ollama = await FakeUpstream.StartAsync("ollama");
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama3.2", ollama));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama3.2:latest"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ollama.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task Chat_OtherTagOfAListedModel_404()
    {
        await using var ollama = await FakeUpstream.StartAsync("ollama");
        var registry = new TestRegistry();
        registry.Add("inference-1", ollama.BaseAddress, "inference", ["llama3.2:latest"]);
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Chat("llama3.2:1b"));

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>().ShouldBe("model_not_found");
        ollama.Requests.ShouldBe(0);
    }
}
