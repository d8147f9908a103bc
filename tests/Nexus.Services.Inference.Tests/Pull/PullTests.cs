using System.Net;
using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Services.Inference.Tests.Pull;

public sealed class PullTests
{
    // A bound on a hang, not a latency target: the embedding tests in this process load and run the local model beside
    // these, and on two cores that has held a pull's answer back for over 15 s.
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Pull_KnownModel_StreamsProgressThenTheModelIsInTheCatalog()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");
        // Listing first fills the catalog cache, which a pull must refresh rather than wait out.
        var before = await service.ModelIdsAsync();

        using var response = await PullAsync(service, $$"""{"model":"{{FakeUpstream.PullableModel}}"}""");
        var lines = await ReadLinesAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-ndjson");
        lines[0]["status"]!.GetValue<string>().ShouldBe("pulling manifest");
        lines.Where(l => l["digest"] is not null).Select(l => l["completed"]!.GetValue<long>()).ShouldBe([0, 261326883, 522653767]);
        lines.Where(l => l["total"] is not null).ShouldAllBe(l => l["total"]!.GetValue<long>() == 522653767);
        lines.Select(l => l["status"]!.GetValue<string>()).ShouldContain("verifying sha256 digest");
        lines[^1]["status"]!.GetValue<string>().ShouldBe("success");
        lines[^1]["model"]!.GetValue<string>().ShouldBe(FakeUpstream.PullableModel);
        upstream.LastPullBody!["model"]!.GetValue<string>().ShouldBe(FakeUpstream.PullableModel);
        upstream.LastPullBody!["stream"]!.GetValue<bool>().ShouldBeTrue();
        upstream.LastOllamaAuthorization.ShouldBe("Bearer upstream-key");
        before.ShouldNotContain(FakeUpstream.PullableModel);
        (await service.ModelIdsAsync()).ShouldContain(FakeUpstream.PullableModel);
        var descriptor = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!;
        var pulled = descriptor["models"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == FakeUpstream.PullableModel)!;
        pulled["contextLength"]!.GetValue<int>().ShouldBe(131072);
    }

    [Fact]
    public async Task Pull_NameWithoutTag_SuccessNamesTheModelAsTheCatalogListsIt()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        using var response = await PullAsync(service, $$"""{"model":"{{FakeUpstream.UntaggedModel}}"}""");
        var lines = await ReadLinesAsync(response);

        lines[^1]["status"]!.GetValue<string>().ShouldBe("success");
        lines[^1]["model"]!.GetValue<string>().ShouldBe("tinyllama:latest");
        (await service.ModelIdsAsync()).ShouldContain("tinyllama:latest");
    }

    [Fact]
    public async Task Pull_ModelTheRegistryLacks_Answers404ProblemAndAddsNothing()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        using var response = await PullAsync(service, """{"model":"no-such-model:7b"}""");
        var problem = await ProblemAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        problem["detail"]!.GetValue<string>().ShouldContain("no-such-model:7b");
        problem["detail"]!.GetValue<string>().ShouldContain("file does not exist");
        (await service.ModelIdsAsync()).ShouldNotContain("no-such-model:7b");
    }

    [Fact]
    public async Task Pull_OllamaFailsMidStream_StreamEndsWithAnErrorLineAndTheModelIsNotListed()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        using var response = await PullAsync(service, $$"""{"model":"{{FakeUpstream.FlakyModel}}"}""");
        var lines = await ReadLinesAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        lines.Select(l => l["status"]!.GetValue<string>()).ShouldNotContain("success");
        lines.ShouldContain(l => l["completed"] != null && l["completed"]!.GetValue<long>() == 400);
        lines[^1]["status"]!.GetValue<string>().ShouldBe("error");
        lines[^1]["error"]!.GetValue<string>().ShouldContain("max retries exceeded");
        (await service.ModelIdsAsync()).ShouldNotContain(FakeUpstream.FlakyModel + ":latest");
    }

    [Theory]
    [InlineData("""{"model":""", "malformed JSON")]
    [InlineData("""{}""", "no model")]
    [InlineData("""{"model":"  "}""", "blank model")]
    [InlineData("""{"model":"llama 3.2!"}""", "not a model name")]
    [InlineData("""{"model":"qwen3:0.6b","upstream":"nowhere"}""", "unknown upstream")]
    [InlineData("""{"model":"qwen3:0.6b","upstream":"vllm"}""", "upstream that is not Ollama")]
    public async Task Pull_BadInput_Answers400Problem(string body, string why)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync([new TestUpstream("ollama", upstream.Url, "ollama"), new TestUpstream("vllm", upstream.Url, "openai")]);

        using var response = await PullAsync(service, body);
        var problem = await ProblemAsync(response);

        ((int)response.StatusCode).ShouldBe(400, why);
        (problem["detail"] ?? problem["title"])!.GetValue<string>().ShouldNotBeNullOrWhiteSpace(why);
    }

    [Fact]
    public async Task Pull_OllamaRefusesTheName_Answers400WithItsReason()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        using var response = await PullAsync(service, $$"""{"model":"{{FakeUpstream.RefusedModel}}"}""");
        var problem = await ProblemAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().ShouldContain("invalid model name");
    }

    [Fact]
    public async Task Pull_SeveralOllamasAndNoneNamed_Answers400NamingThem()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync([new TestUpstream("gpu-a", upstream.Url, "ollama"), new TestUpstream("gpu-b", upstream.Url, "ollama")]);

        using var response = await PullAsync(service, """{"model":"qwen3:0.6b"}""");
        var problem = await ProblemAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        problem["detail"]!.GetValue<string>().ShouldContain("gpu-a, gpu-b");
    }

    [Fact]
    public async Task Pull_NoOllamaUpstream_Answers503()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "openai");

        using var response = await PullAsync(service, """{"model":"qwen3:0.6b"}""");
        var problem = await ProblemAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        problem["detail"]!.GetValue<string>().ShouldContain("No Ollama upstream");
    }

    [Fact]
    public async Task Pull_OllamaUnreachable_Answers503WithTheUpstream()
    {
        await using var service = await InferenceHost.StartAsync("http://127.0.0.1:9", kind: "ollama");

        using var response = await PullAsync(service, """{"model":"qwen3:0.6b"}""");
        var problem = await ProblemAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        problem["detail"]!.GetValue<string>().ShouldContain("unreachable");
        problem["detail"]!.GetValue<string>().ShouldContain("127.0.0.1:9");
    }

    [Fact]
    public async Task Pull_OllamaSendsNoHeadersInTime_Answers504Problem()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama", upstreamTimeout: TimeSpan.FromSeconds(2));

        using var response = await PullAsync(service, $$"""{"model":"{{FakeUpstream.SilentModel}}"}""");
        var problem = await ProblemAsync(response);

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
        problem["detail"]!.GetValue<string>().ShouldContain("did not answer within 2 s");
    }

    [Fact]
    public async Task Pull_CallerDisconnects_OllamaCallIsCancelled()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/models/pull") { Content = InferenceHost.Json($$"""{"model":"{{FakeUpstream.EndlessModel}}"}""") };

        using (var response = await service.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Phase))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = JsonNode.Parse((await reader.ReadLineAsync().WaitAsync(Phase))!)!;
            first["status"]!.GetValue<string>().ShouldBe("pulling manifest");
        }

        // Disposing the unfinished response closed the connection; the service must pass that on to Ollama.
        await upstream.PullAborted.Task.WaitAsync(Phase);
    }

    [Fact]
    public async Task Metadata_DescribesThePullFunction()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, kind: "ollama");

        var descriptor = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!;
        var pull = descriptor["functions"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "pull-model")!;

        pull["method"]!.GetValue<string>().ShouldBe("POST");
        pull["path"]!.GetValue<string>().ShouldBe("/v1/models/pull");
        pull["streaming"]!.GetValue<string>().ShouldBe("chunked");
        pull["responseContentTypes"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["application/x-ndjson"]);
        pull["inputSchema"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldContain("model");
        JsonSchemaValidator.ForServiceDescriptor().Validate(descriptor).ShouldBeEmpty();
        var example = pull["examples"]!.AsArray().Single()!["input"];
        new JsonSchemaValidator(pull["inputSchema"]!).Validate(example).ShouldBeEmpty();
    }

    private static Task<HttpResponseMessage> PullAsync(InferenceHost service, string body) => service.PostJsonAsync("v1/models/pull", body).WaitAsync(Phase);

    private static async Task<List<JsonNode>> ReadLinesAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Phase);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToList();
    }

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<JsonNode>().WaitAsync(Phase))!;
    }
}
