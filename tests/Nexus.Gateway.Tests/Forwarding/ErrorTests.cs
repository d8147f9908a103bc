using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;
using OpenAI.Chat;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Refusals in OpenAI's envelope with the status an SDK expects; malformed input never a 500.</summary>
public sealed class ErrorTests
{
    private static async Task<JsonObject> ErrorOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.AsObject();

    [Fact]
    public async Task Chat_BadKey_Returns401ToSdk()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));

        var error = await Should.ThrowAsync<ClientResultException>(() => gateway.OpenAI("nx-wrong").GetChatClient("llama").CompleteChatAsync([new UserChatMessage("Hi")]));

        error.Status.ShouldBe(401);
        upstream.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task Chat_UnknownModel_Returns404ModelNotFound()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "nope", messages = new[] { new { role = "user", content = "Hi" } } });

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var error = await ErrorOf(response);
        error["code"]!.GetValue<string>().ShouldBe("model_not_found");
        error["type"]!.GetValue<string>().ShouldBe("not_found_error");
    }

    [Fact]
    public async Task Chat_ModelNotInAllowList_Returns403()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { "other" } });

        var error = await Should.ThrowAsync<ClientResultException>(() => gateway.OpenAI(key).GetChatClient("llama").CompleteChatAsync([new UserChatMessage("Hi")]));

        error.Status.ShouldBe(403);
        upstream.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task Chat_EndpointOutsideKeyScopes_Returns403()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { scopes = new[] { "embeddings" } });

        var error = await Should.ThrowAsync<ClientResultException>(() => gateway.OpenAI(key).GetChatClient("llama").CompleteChatAsync([new UserChatMessage("Hi")]));

        error.Status.ShouldBe(403);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"messages\":[]}")]
    [InlineData("{\"model\":42}")]
    [InlineData("{\"model\":\"llama\",\"stream\":\"yes\"}")]
    [InlineData("{\"model\":\"llama\",\"max_tokens\":-1}")]
    [InlineData("")]
    [InlineData("{\"model\":\"llama\"} {}")]
    [InlineData("{\"model\":{\"id\":\"llama\"}}")]
    [InlineData("{\"model\":\"llama\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]")]
    [InlineData("{\"model\":\"llama\",\"max_completion_tokens\":\"many\",\"max_tokens\":10}")]
    [InlineData("{\"model\":\"llama\",\"model\":\"other\"}")]
    public async Task Chat_MalformedBody_Returns400Envelope(string body)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ErrorOf(response))["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
        upstream.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task Chat_NestedFieldsNamedLikeTopLevelOnesAndNullStream_Accepted()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { "llama" } });
        using var client = gateway.Client(key);
        const string body = """{"messages":[{"role":"user","content":"Hi","model":"forbidden","stream":"x"}],"model":"llama","metadata":{"max_tokens":-5},"stream":null}""";

        using var response = await client.PostAsync("v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.Requests.ShouldBe(1);
    }

    [Fact]
    public async Task Transcriptions_NotMultipart_Returns400()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("whisper", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsync("v1/audio/transcriptions", new StringContent("{}", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Chat_BodyOverLimit_Returns413()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("Nexus:MaxRequestBodyBytes", "1024"));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);
        var big = new string('x', 4096);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = big } } });

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await ErrorOf(response))["code"]!.GetValue<string>().ShouldBe("request_too_large");
    }

    [Fact]
    public async Task Chat_RegisteredModelWithoutReadyInstance_Returns503()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var registry = new TestRegistry();
        registry.Add("inference-1", upstream.BaseAddress, "inference", ["qwen"], Nexus.Gateway.Registry.InstanceState.Unhealthy);
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync();

        var error = await Should.ThrowAsync<ClientResultException>(() => gateway.OpenAI(key).GetChatClient("qwen").CompleteChatAsync([new UserChatMessage("Hi")]));

        error.Status.ShouldBe(503);
    }

    [Fact]
    public async Task Chat_UpstreamSilentPastTimeout_Returns504()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = UpstreamBehavior.Slow;
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With("Nexus:Gateway:UpstreamTimeout", "00:00:01"));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
        (await ErrorOf(response))["code"]!.GetValue<string>().ShouldBe("upstream_timeout");
    }

    [Fact]
    public async Task Chat_UnreachableUpstream_Returns503NoReadyInstance()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var address = upstream.BaseAddress;
        await upstream.DisposeAsync();
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Models:llama:0:Url"] = address.ToString() });
        var (_, _, key) = await gateway.CreateKeyAsync();

        var error = await Should.ThrowAsync<ClientResultException>(() => gateway.OpenAI(key).GetChatClient("llama").CompleteChatAsync([new UserChatMessage("Hi")]));

        error.Status.ShouldBe(503);
        error.Message.ShouldContain("no_ready_instance");
    }
}
