using System.Text.Json.Nodes;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>Hybrid scoring: a keyword the embedding model has no sense of (a code) still finds its chunk.</summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class HybridTests(EmbeddingModel model)
{
    [Fact]
    public async Task Query_HybridWithACode_RanksTheChunkContainingItFirstWithFullKeywordScore()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);
        await knowledge.IngestCorpusAsync("corpus");

        var results = await knowledge.QueryAsync("corpus", "QX-7731", topK: 3, hybrid: true);

        results[0]!["text"]!.GetValue<string>().ShouldContain("QX-7731");
        results[0]!["keywordScore"]!.GetValue<double>().ShouldBe(1.0);
        // score = 0.7 x similarity + 0.3 x keyword share
        KnowledgeHost.ScoreOf(results[0]).ShouldBe((0.7 * results[0]!["similarity"]!.GetValue<double>()) + 0.3, 0.001);
        results.Skip(1).ShouldAllBe(r => r!["keywordScore"]!.GetValue<double>() == 0);
    }

    [Fact]
    public async Task Query_NotHybrid_ReportsNoKeywordScore()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);
        await knowledge.IngestAsync("notes", "bees", "Bees make honey from nectar.");

        var results = await knowledge.QueryAsync("notes", "honey", topK: 1);

        results[0]!.AsObject().ContainsKey("keywordScore").ShouldBeFalse();
        KnowledgeHost.ScoreOf(results[0]).ShouldBe(results[0]!["similarity"]!.GetValue<double>());
    }

    [Fact]
    public async Task Metadata_DescribesEveryFunctionForTheUiAndAgents()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        var metadata = JsonNode.Parse(await knowledge.Http.GetStringAsync("v1/metadata"))!;

        metadata["kind"]!.GetValue<string>().ShouldBe("custom");
        var functions = metadata["functions"]!.AsArray().ToDictionary(f => f!["name"]!.GetValue<string>());
        functions.Keys.ShouldBe(["list-collections", "delete-collection", "ingest-document", "upload-document", "list-documents", "delete-document", "query", "answer"], ignoreOrder: true);
        functions["query"]!["inputSchema"]!["properties"]!["topK"].ShouldNotBeNull();
        functions["query"]!["outputSchema"]!["properties"]!["results"].ShouldNotBeNull();
        functions["answer"]!["streaming"]!.GetValue<string>().ShouldBe("sse");
        functions["upload-document"]!["requestContentTypes"]![0]!.GetValue<string>().ShouldBe("multipart/form-data");
        functions["delete-document"]!["inputSchema"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldBe(["collection", "documentId"]);
    }
}
