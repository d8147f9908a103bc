using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace Nexus.Services.Inference.Tests;

public sealed class InferenceTests
{
    [Fact]
    public async Task Chat_ThroughTheService_ReachesTheUpstreamWithItsKeyAndExtraFieldsIntact()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url);

        using var response = await service.PostJsonAsync("v1/chat/completions", """{"model":"llama3.2","messages":[{"role":"user","content":"Hi"}],"keep_alive":"5m"}""");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.LastAuthorization.ShouldBe("Bearer upstream-key");
        upstream.LastBody!["keep_alive"]!.GetValue<string>().ShouldBe("5m");
    }

    [Fact]
    public async Task Chat_OpenAISdk_GetsTheAnswerAndToolCalls()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url);
        var chat = service.OpenAI().GetChatClient("llama3.2");

        var answer = await chat.CompleteChatAsync([new UserChatMessage("Hi")]);
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));
        var withTools = await chat.CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], new ChatCompletionOptions { Tools = { tool } });

        answer.Value.Content[0].Text.ShouldBe("Hello there.");
        withTools.Value.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        withTools.Value.ToolCalls[0].FunctionName.ShouldBe("get_weather");
        withTools.Value.ToolCalls[0].FunctionArguments.ToString().ShouldContain("Oslo");
    }

    [Fact]
    public async Task Chat_Streaming_FirstChunkArrivesBeforeTheUpstreamFinishes()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url);
        var chat = service.OpenAI().GetChatClient("llama3.2");

        var text = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            // The upstream holds its second chunk until the first has reached the client through the service.
            if (text.ToString() == "Hel") upstream.ReleaseSecondChunk.TrySetResult();
        }

        text.ToString().ShouldBe("Hello");
    }

    [Fact]
    public async Task Embeddings_AndModels_ComeFromTheUpstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        var embedding = await service.OpenAI().GetEmbeddingClient("nomic-embed-text").GenerateEmbeddingAsync("hello");
        var models = JsonNode.Parse(await service.Http.GetStringAsync("v1/models"))!["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());
        var descriptor = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!;

        embedding.Value.ToFloats().ToArray().ShouldBe([0.25f, -0.5f, 1f]);
        models.ShouldBe(["llama3.2:latest", "nomic-embed-text:latest"]);
        var llama = descriptor["models"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "llama3.2:latest")!;
        llama["contextLength"]!.GetValue<int>().ShouldBe(131072);
        llama["labels"]!["tier"]!.GetValue<string>().ShouldBe("local");
        llama["ownedBy"]!.GetValue<string>().ShouldBe("library");
        llama["outputModalities"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["text"]);
        // Ollama's /api/show says what a model is for, and its context length, per architecture.
        var embedder = descriptor["models"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "nomic-embed-text:latest")!;
        embedder["outputModalities"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["embedding"]);
        embedder["contextLength"]!.GetValue<int>().ShouldBe(2048);
    }

    [Theory]
    [InlineData("""{"model":"gpt-9","messages":[]}""", 404, "model")]
    [InlineData("""{"messages":[]}""", 400, "model")]
    [InlineData("""{"model":""", 400, null)]
    public async Task Chat_BadRequest_GetsOpenAIError(string body, int status, string? param)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url);

        using var response = await service.PostJsonAsync("v1/chat/completions", body);

        ((int)response.StatusCode).ShouldBe(status);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        error["param"]?.GetValue<string>().ShouldBe(param);
    }

    [Fact]
    public async Task NoUpstream_ServiceIsNotReadyAndAnswers503()
    {
        await using var service = await InferenceHost.StartAsync(upstreamUrl: null);

        using var health = await service.Http.GetAsync("health");
        using var chat = await service.PostJsonAsync("v1/chat/completions", """{"model":"llama3.2","messages":[]}""");

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("No inference upstream is configured");
        chat.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task UpstreamDown_ServiceIsNotReadyWithTheReason()
    {
        await using var service = await InferenceHost.StartAsync("http://127.0.0.1:9");

        using var health = await service.Http.GetAsync("health");

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("No upstream is reachable");
    }
}
