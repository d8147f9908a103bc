using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>Readiness follows the store and the embeddings endpoint; without embeddings, work that needs them is a 503 that says why.</summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class ReadinessTests(EmbeddingModel model)
{
    [Fact]
    public async Task Health_EmbeddingModelServed_IsReady()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        using var health = await knowledge.Http.GetAsync("health");

        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        var checks = JsonNode.Parse(await health.Content.ReadAsStringAsync())!["checks"]!.AsArray();
        checks.Single(c => c!["name"]!.GetValue<string>() == "embeddings")!["status"]!.GetValue<string>().ShouldBe("Healthy");
        checks.Single(c => c!["name"]!.GetValue<string>() == "store")!["description"]!.GetValue<string>().ShouldBe("SQLite answers.");
    }

    [Fact]
    public async Task Health_EmbeddingsUnreachable_IsNotReadyAndIngestIs503WithTheReason()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(new Uri("http://127.0.0.1:9/"));

        using var health = await knowledge.Http.GetAsync("health");
        using var ingest = await knowledge.SendAsync(HttpMethod.Post, "v1/knowledge/documents", new { collection = "notes", documentId = "a", text = "Some text." });

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var embeddings = JsonNode.Parse(await health.Content.ReadAsStringAsync())!["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "embeddings")!;
        embeddings["description"]!.GetValue<string>().ShouldContain("cannot be reached");
        ingest.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        ingest.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await ingest.Content.ReadAsStringAsync()).ShouldContain("embeddings endpoint at http://127.0.0.1:9/");
    }

    [Fact]
    public async Task Health_ModelNotServed_IsNotReadyNamingTheModel()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress, new Dictionary<string, string?> { ["Knowledge:Embeddings:Model"] = "no-such-model" });

        using var health = await knowledge.Http.GetAsync("health");

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("does not list the model 'no-such-model'");
    }
}
