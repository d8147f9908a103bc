using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nexus.Gateway.Tests.Infrastructure;
using OpenAI.Chat;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>What real OpenAI clients see: model retrieval, readiness, timing and headers.</summary>
public sealed partial class OpenAIClientTests
{
    private static JsonObject Completion() => new()
    {
        ["id"] = "chatcmpl-1", ["object"] = "chat.completion", ["created"] = 1700000000, ["model"] = "llama",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = "ok" }, ["finish_reason"] = "stop" }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
    };

    [Fact]
    public async Task RetrieveModel_AllowedModel_AnsweredInOpenAIsShape()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { "llama" } });

        var model = (await gateway.OpenAI(key).GetOpenAIModelClient().GetModelAsync("llama")).Value;

        model.Id.ShouldBe("llama");
        model.OwnedBy.ShouldBe("nexus");
    }

    [Theory]
    [InlineData("mistral")]
    [InlineData("nothing-serves-this")]
    public async Task RetrieveModel_ModelTheKeyMayNotUseOrUnknown_Is404Envelope(string id)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream).With(Routes.Model("mistral", upstream)));
        var (_, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { "llama" } });
        using var client = gateway.Client(key);

        var error = await Should.ThrowAsync<ClientResultException>(() => gateway.OpenAI(key).GetOpenAIModelClient().GetModelAsync(id));
        using var response = await client.GetAsync($"v1/models/{id}");

        error.Status.ShouldBe(404);
        var envelope = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        envelope["code"]!.GetValue<string>().ShouldBe("model_not_found");
    }

    [Fact]
    public async Task StaticRoute_UpstreamDown_NotListedAndAnswered503NoReadyInstance()
    {
        await using var up = await FakeUpstream.StartAsync();
        var dead = await FakeUpstream.StartAsync();
        var deadAddress = dead.BaseAddress;
        await dead.DisposeAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", up)
            .With("Nexus:Gateway:Routes:Models:gone:0:Url", deadAddress.ToString()));
        var (_, _, key) = await gateway.CreateKeyAsync();

        var listed = (await gateway.OpenAI(key).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();
        var error = await Should.ThrowAsync<ClientResultException>(() => gateway.OpenAI(key).GetChatClient("gone").CompleteChatAsync([new UserChatMessage("Hi")]));

        listed.ShouldBe(["llama"]);
        error.Status.ShouldBe(503);
        error.Message.ShouldContain("no_ready_instance");
    }

    [Fact]
    public async Task ServerTiming_UpstreamWaitsBeforeAnswering_CountedAsUpstreamTime()
    {
        await using var upstream = await ScriptedUpstream.StartAsync(async context =>
        {
            await Task.Delay(300);
            await context.Response.WriteAsJsonAsync(Completion());
        });
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Models:llama:0:Url"] = upstream.BaseAddress.ToString() });
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });

        var timing = ServerTiming().Match(response.Headers.GetValues("Server-Timing").Single());
        timing.Success.ShouldBeTrue();
        var gatewayMs = double.Parse(timing.Groups["gateway"].Value, CultureInfo.InvariantCulture);
        var upstreamMs = double.Parse(timing.Groups["upstream"].Value, CultureInfo.InvariantCulture);
        upstreamMs.ShouldBeGreaterThanOrEqualTo(290);
        gatewayMs.ShouldBeLessThan(upstreamMs);
    }

    [Fact]
    public async Task ServerHeader_OfTheUpstream_NotPassedOn()
    {
        await using var upstream = await ScriptedUpstream.StartAsync(context =>
        {
            context.Response.Headers.Server = "SecretServer/1.2 (internal-host-7)";
            return context.Response.WriteAsJsonAsync(Completion());
        });
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Models:llama:0:Url"] = upstream.BaseAddress.ToString() });
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.Server.ShouldBeEmpty();
    }

    [GeneratedRegex(@"^gateway;dur=(?<gateway>[\d.]+), upstream;dur=(?<upstream>[\d.]+)$")]
    private static partial Regex ServerTiming();
}
