using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Inference.Tests.Catalog;

public sealed class ModelNamesTests
{
    [Theory]
    [InlineData("llama3.2", "llama3.2:latest")]
    [InlineData("registry.local:5000/team/llama3.2", "registry.local:5000/team/llama3.2:latest")]
    public async Task Chat_UntaggedModel_RoutesToItsLatestTagWithTheBodyUnchanged(string requested, string listed)
    {
        await using var upstream = await FakeUpstream.StartAsync([listed]);
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");
        var body = $$"""{"model":"{{requested}}","messages":[{"role":"user","content":"Hi"}],"keep_alive":"5m"}""";

        using var response = await service.PostJsonAsync("v1/chat/completions", body);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        // Ollama resolves the untagged name itself; rewriting it here would change a body that is forwarded as it came.
        upstream.LastRawBody.ShouldBe(body);
    }

    [Fact]
    public async Task Chat_ExactNameAndLatestOnDifferentUpstreams_ExactMatchWins()
    {
        // Listed first, so a lookup that tried the alias before finishing the exact search would pick it.
        await using var ollama = await FakeUpstream.StartAsync(["qwen2.5:latest"]);
        // vLLM started with --served-model-name qwen2.5 lists exactly that.
        await using var vllm = await FakeUpstream.StartAsync(["qwen2.5"]);
        await using var service = await InferenceHost.StartAsync([new TestUpstream("ollama", ollama.Url, "ollama"), new TestUpstream("vllm", vllm.Url, "openai")]);

        using var bare = await service.PostJsonAsync("v1/chat/completions", """{"model":"qwen2.5","messages":[{"role":"user","content":"Hi"}]}""");

        bare.StatusCode.ShouldBe(HttpStatusCode.OK);
        vllm.LastBody!["model"]!.GetValue<string>().ShouldBe("qwen2.5");
        ollama.LastBody.ShouldBeNull();

        using var tagged = await service.PostJsonAsync("v1/chat/completions", """{"model":"qwen2.5:latest","messages":[{"role":"user","content":"Hi"}]}""");

        tagged.StatusCode.ShouldBe(HttpStatusCode.OK);
        ollama.LastBody!["model"]!.GetValue<string>().ShouldBe("qwen2.5:latest");
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model":"llama3.2:1b","messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("v1/completions", """{"model":"llama3.2:1b","prompt":"Hi"}""")]
    [InlineData("v1/embeddings", """{"model":"llama3.2:1b","input":"Hi"}""")]
    public async Task Forward_TagNotListed_Answers404InTheOpenAIEnvelope(string path, string body)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        using var response = await service.PostJsonAsync(path, body);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["message"]!.GetValue<string>().ShouldContain("'llama3.2:1b'");
        error["param"]!.GetValue<string>().ShouldBe("model");
        error["code"]!.GetValue<string>().ShouldBe("model_not_found");
        upstream.LastBody.ShouldBeNull();
    }
}
