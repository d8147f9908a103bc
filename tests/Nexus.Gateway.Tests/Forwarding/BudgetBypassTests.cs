using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>No request gets around a key's model allow-list, scopes or token budget.</summary>
public sealed class BudgetBypassTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("1000001")]
    public async Task Chat_MaxTokensBeyondTheBound_Is400AndReachesNoUpstream(string maxTokens)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { dailyTokenBudget = 150 });
        using var client = gateway.Client(key);

        using var response = await client.PostAsync("v1/chat/completions", Json($$"""{"model":"llama","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"Hi"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["param"]!.GetValue<string>().ShouldBe("max_tokens");
        error["message"]!.GetValue<string>().ShouldContain("1000000");
        upstream.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task Chat_MaxTokensWithinTheBoundButOverTheBudget_Is429()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { dailyTokenBudget = 150 });
        using var client = gateway.Client(key);

        using var response = await client.PostAsync("v1/chat/completions", Json("""{"model":"llama","max_tokens":1000000,"messages":[{"role":"user","content":"Hi"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        upstream.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task ServiceChatFunction_ModelOutsideTheAllowList_Is403ToTheSdk()
    {
        await using var inference = await FakeUpstream.StartAsync("inference");
        await using var gateway = await GatewayHost.StartAsync(Routes.Service("inference", inference));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { "tts-1" } });
        var sdk = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(gateway.BaseAddress, "v1/services/inference/v1"),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0),
        });

        var error = await Should.ThrowAsync<ClientResultException>(() => sdk.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("Hi")]));

        error.Status.ShouldBe(403);
        inference.Requests.ShouldBe(0);
    }

    [Theory]
    [InlineData("v1/services/inference/V1/Chat/Completions")]
    [InlineData("v1/services/inference/v1/chat/completions/")]
    [InlineData("v1/services/inference//v1//chat/completions")]
    [InlineData("v1/services/inference/v1/chat%2Fcompletions")]
    [InlineData("v1/services/inference/v1/embeddings")]
    [InlineData("v1/services/inference/v1/audio/speech")]
    public async Task ServiceModelFunction_AnySpellingOfTheOpenAIPath_EnforcesTheAllowList(string path)
    {
        await using var inference = await FakeUpstream.StartAsync("inference");
        await using var gateway = await GatewayHost.StartAsync(Routes.Service("inference", inference));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { "tts-1" } });
        using var client = gateway.Client(key);

        using var response = await client.PostAsync(path, Json("""{"model":"gpt-4o","input":"Hi","messages":[{"role":"user","content":"Hi"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        inference.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task ServiceChatFunction_MaxTokensOverTheBudget_Is429()
    {
        await using var inference = await FakeUpstream.StartAsync("inference");
        await using var gateway = await GatewayHost.StartAsync(Routes.Service("inference", inference));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { dailyTokenBudget = 150 });
        using var client = gateway.Client(key);

        using var response = await client.PostAsync("v1/services/inference/v1/chat/completions", Json("""{"model":"llama","max_tokens":1000,"messages":[{"role":"user","content":"Hi"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        inference.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task ServiceChatFunction_WithoutTheChatScope_Is403()
    {
        await using var inference = await FakeUpstream.StartAsync("inference");
        await using var gateway = await GatewayHost.StartAsync(Routes.Service("inference", inference));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { scopes = new[] { "services:inference" } });
        using var client = gateway.Client(key);

        using var chat = await client.PostAsync("v1/services/inference/v1/chat/completions", Json("""{"model":"llama","messages":[{"role":"user","content":"Hi"}]}"""));
        using var other = await client.PostAsync("v1/services/inference/v1/echo", Json("""{"text":"Hi"}"""));

        chat.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ServiceChatFunction_Stream_MeteredWithTheUpstreamsExactUsage()
    {
        await using var inference = await FakeUpstream.StartAsync("inference");
        await using var gateway = await GatewayHost.StartAsync(Routes.Service("inference", inference));
        var (tenantId, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsync("v1/services/inference/v1/chat/completions", Json("""{"model":"llama","stream":true,"messages":[{"role":"user","content":"Hi"}]}"""));
        var events = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        events.ShouldContain("data: [DONE]");
        events.ShouldNotContain("\"usage\"");
        var record = (await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 1)).Single()!;
        record["promptTokens"]!.GetValue<long>().ShouldBe(10);
        record["completionTokens"]!.GetValue<long>().ShouldBe(90);
    }
}
