using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Nexus.Gateway.Tests.Infrastructure;
using OpenAI.Audio;
using OpenAI.Chat;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>Every OpenAI route through the real gateway, with the official OpenAI SDK as the client.</summary>
public sealed class OpenAIEndpointsTests
{
    [Fact]
    public async Task ChatCompletion_NonStreaming_ReturnsUpstreamAnswerWithUsage()
    {
        await using var upstream = await FakeUpstream.StartAsync("alpha");
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();

        var completion = (await gateway.OpenAI(key).GetChatClient("llama").CompleteChatAsync([new UserChatMessage("Hi")])).Value;

        completion.Content[0].Text.ShouldBe("Hello from alpha");
        completion.Usage.TotalTokenCount.ShouldBe(100);
        upstream.Authorizations.ShouldAllBe(a => a == null);
    }

    [Fact]
    public async Task ChatCompletion_Streaming_DeliversEveryChunkToTheSdk()
    {
        await using var upstream = await FakeUpstream.StartAsync("alpha");
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();

        var text = new StringBuilder();
        await foreach (var update in gateway.OpenAI(key).GetChatClient("llama").CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
        }

        text.ToString().ShouldBe("Hello from alpha");
    }

    [Fact]
    public async Task ChatCompletion_WithTools_PassesToolCallsThrough()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        var options = new ChatCompletionOptions();
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather of a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")));

        var completion = (await gateway.OpenAI(key).GetChatClient("llama").CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options)).Value;

        completion.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        completion.ToolCalls.Single().FunctionName.ShouldBe("get_weather");
        completion.ToolCalls.Single().FunctionArguments.ToString().ShouldContain("Paris");
        upstream.Bodies.Single()["tools"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task Embeddings_ThroughSdk_ReturnsVector()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("embed", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();

        var embedding = (await gateway.OpenAI(key).GetEmbeddingClient("embed").GenerateEmbeddingAsync("hello")).Value;

        embedding.ToFloats().ToArray().ShouldBe([0.1f, 0.2f, 0.3f]);
    }

    [Fact]
    public async Task Completions_Legacy_ReturnsText()
    {
        await using var upstream = await FakeUpstream.StartAsync("alpha");
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/completions", new { model = "llama", prompt = "Hi", max_tokens = 5 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["choices"]![0]!["text"]!.GetValue<string>().ShouldBe("Hello from alpha");
    }

    [Fact]
    public async Task ImagesGenerations_ThroughSdk_ReturnsImage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("sd", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();

        var image = (await gateway.OpenAI(key).GetImageClient("sd").GenerateImageAsync("a cat")).Value;

        image.ImageBytes.ToArray().ShouldBe(Encoding.ASCII.GetBytes("PNG"));
    }

    [Fact]
    public async Task AudioSpeech_ThroughSdk_StreamsAudioBytes()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("tts", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();

        var audio = (await gateway.OpenAI(key).GetAudioClient("tts").GenerateSpeechAsync("hello", GeneratedSpeechVoice.Alloy)).Value;

        audio.ToString().ShouldStartWith("RIFF");
    }

    [Fact]
    public async Task AudioTranscriptions_Multipart_RoutesByModelField()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("whisper", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var audio = new MemoryStream(Encoding.ASCII.GetBytes("RIFF----WAVEfmt "));

        var transcription = (await gateway.OpenAI(key).GetAudioClient("whisper").TranscribeAudioAsync(audio, "speech.wav")).Value;

        transcription.Text.ShouldBe("heard 1 file(s) with model whisper");
    }

    [Fact]
    public async Task Services_Path_ForwardsToServiceWithoutPrefix()
    {
        await using var upstream = await FakeUpstream.StartAsync("ocr");
        await using var gateway = await GatewayHost.StartAsync(Routes.Service("ocr", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsync("v1/services/ocr/v1/read?lang=en", new StringContent("{\"x\":1}", Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        body["path"]!.GetValue<string>().ShouldBe("/v1/read");
        body["query"]!.GetValue<string>().ShouldBe("?lang=en");
        body["body"]!.GetValue<string>().ShouldBe("{\"x\":1}");
    }

    [Fact]
    public async Task Models_UnionOfRegistryAndStaticRoutes_FilteredByAllowList()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var registry = new TestRegistry();
        registry.Add("inference-1", upstream.BaseAddress, "inference", ["qwen", "mistral"]);
        registry.Add("inference-2", upstream.BaseAddress, "inference", ["hidden-not-ready"], Nexus.Gateway.Registry.InstanceState.Unhealthy);
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream), registry);
        var (_, _, all) = await gateway.CreateKeyAsync();
        var (_, _, limited) = await gateway.CreateKeyAsync(keyPolicy: new { allowedModels = new[] { "qwen" } });

        var everything = (await gateway.OpenAI(all).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();
        var allowed = (await gateway.OpenAI(limited).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToList();

        everything.ShouldBe(["llama", "mistral", "qwen"], ignoreOrder: true);
        allowed.ShouldBe(["qwen"]);
    }

    [Fact]
    public async Task ChatCompletion_RegisteredModel_RoutesToInstance()
    {
        await using var upstream = await FakeUpstream.StartAsync("registered");
        var registry = new TestRegistry();
        registry.Add("inference-1", upstream.BaseAddress, "inference", ["qwen"]);
        await using var gateway = await GatewayHost.StartAsync(registry: registry);
        var (_, _, key) = await gateway.CreateKeyAsync();

        var completion = (await gateway.OpenAI(key).GetChatClient("qwen").CompleteChatAsync([new UserChatMessage("Hi")])).Value;

        completion.Content[0].Text.ShouldBe("Hello from registered");
    }

    [Fact]
    public async Task AnyResponse_CarriesServerTiming()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var ok = await client.PostAsJsonAsync("v1/chat/completions", new { model = "llama", messages = new[] { new { role = "user", content = "Hi" } } });
        using var unknown = await client.PostAsJsonAsync("v1/chat/completions", new { model = "nope", messages = Array.Empty<object>() });

        ok.Headers.GetValues("Server-Timing").Single().ShouldMatch(@"^gateway;dur=[\d.]+, upstream;dur=[\d.]+$");
        unknown.Headers.Contains("Server-Timing").ShouldBeTrue();
    }
}
