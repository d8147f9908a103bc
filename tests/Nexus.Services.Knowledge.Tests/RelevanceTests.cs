using Xunit.Abstractions;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>
/// Retrieval quality on the shipped corpus (five short documents on distinct topics) with the real embedding model:
/// for a question about each topic, that topic's document ranks first and clearly above every other document.
/// </summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class RelevanceTests(EmbeddingModel model, ITestOutputHelper output)
{
    public static TheoryData<string, string> Questions => new()
    {
        { "How do bees turn nectar into honey?", "honeybees.md" },
        { "Why does the sea rise and fall twice a day?", "tides.txt" },
        { "What should I do in the first moves of a chess game?", "chess.html" },
        { "How often do I need to feed my starter?", "sourdough.txt" },
        { "What makes magma explode out of a mountain?", "volcanoes.md" },
    };

    [Theory]
    [MemberData(nameof(Questions))]
    public async Task Query_QuestionAboutATopic_RanksThatTopicsDocumentFirstAndAboveTheOthers(string question, string expected)
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);
        await knowledge.IngestCorpusAsync("corpus");

        var results = await knowledge.QueryAsync("corpus", question, topK: 10);

        foreach (var r in results) output.WriteLine($"{KnowledgeHost.ScoreOf(r):0.000} {KnowledgeHost.DocumentOf(r)}#{r!["citation"]!["position"]}");
        KnowledgeHost.DocumentOf(results[0]).ShouldBe(expected);
        var bestOther = results.Where(r => KnowledgeHost.DocumentOf(r) != expected).Max(KnowledgeHost.ScoreOf);
        KnowledgeHost.ScoreOf(results[0]).ShouldBeGreaterThan(bestOther + 0.15, "the right document should lead by a clear margin");
        KnowledgeHost.ScoreOf(results[0]).ShouldBeGreaterThan(0.3, "above the default answer threshold");
        bestOther.ShouldBeLessThan(0.3, "below the default answer threshold");
    }
}
