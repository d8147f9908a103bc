using System.Net;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Inference.Tests.Embeddings;

/// <summary>The local model with no upstream at all (a fresh machine), and turned off.</summary>
public sealed class LocalEmbeddingsSettingsTests
{
    [Fact]
    public async Task NoUpstream_LocalModelOn_IsReadyAndEmbeds()
    {
        await using var service = await InferenceHost.StartAsync(upstreamUrl: null, localEmbeddings: true);

        using var health = await Eventually.WaitAsync(() => service.Http.GetAsync("health"), r => r.StatusCode == HttpStatusCode.OK, "the service to be ready", TimeSpan.FromSeconds(60));
        using var embed = await service.PostJsonAsync("v1/embeddings", """{"model":"all-minilm-l6-v2","input":"hello"}""");
        using var chat = await service.PostJsonAsync("v1/chat/completions", """{"model":"llama3.2","messages":[]}""");

        (await health.Content.ReadAsStringAsync()).ShouldContain("all-minilm-l6-v2 serves embeddings");
        embed.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Chat still needs an upstream.
        chat.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task LocalModelOff_IsNotListedAndItsNameGoesToTheUpstreams()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama", localEmbeddings: false);

        var ids = await service.ModelIdsAsync();
        using var embed = await service.PostJsonAsync("v1/embeddings", """{"model":"all-minilm-l6-v2","input":"hello"}""");

        ids.ShouldNotContain("all-minilm-l6-v2");
        embed.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        JsonNode.Parse(await embed.Content.ReadAsStringAsync())!["error"]!["code"]!.GetValue<string>().ShouldBe("model_not_found");
    }
}
