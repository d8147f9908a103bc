using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Knowledge.Tests;

/// <summary><c>answer</c>: retrieval, then a chat model writing from the retrieved chunks, streamed; or a refusal when nothing is relevant.</summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class AnswerTests(EmbeddingModel model)
{
    [Fact]
    public async Task Answer_RelevantSources_StreamsSourcesThenTheModelsCitedTextThenDone()
    {
        await using var chat = await FakeChat.StartAsync();
        await using var knowledge = await StartAsync(chat);
        await knowledge.IngestCorpusAsync("corpus");

        using var response = await knowledge.SendAsync(HttpMethod.Post, "v1/knowledge/answer", new { collection = "corpus", question = "How do bees make honey?", topK = 2 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = Parse(await response.Content.ReadAsStringAsync());
        events.Select(e => e.Event).ShouldBe(["sources", "delta", "delta", "delta", "done"]);
        var sources = events[0].Data["sources"]!.AsArray();
        sources.Count.ShouldBe(2);
        sources[0]!["number"]!.GetValue<int>().ShouldBe(1);
        sources[0]!["citation"]!["documentId"]!.GetValue<string>().ShouldBe("honeybees.md");
        string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data["text"]!.GetValue<string>())).ShouldBe("Bees make honey from nectar [1].");
        events[^1].Data["grounded"]!.GetValue<bool>().ShouldBeTrue();
        events[^1].Data["finishReason"]!.GetValue<string>().ShouldBe("stop");

        // The model was given the chunks, numbered with their citations, and told to answer from them alone.
        var request = chat.Requests.ShouldHaveSingleItem();
        request["model"]!.GetValue<string>().ShouldBe(FakeChat.Model);
        request["stream"]!.GetValue<bool>().ShouldBeTrue();
        var messages = request["messages"]!.AsArray();
        messages[0]!["role"]!.GetValue<string>().ShouldBe("system");
        messages[0]!["content"]!.GetValue<string>().ShouldContain("only the numbered sources");
        var prompt = messages[1]!["content"]!.GetValue<string>();
        prompt.ShouldContain("[1] (document \"honeybees.md\", chunk 0)");
        prompt.ShouldContain("Forager bees collect nectar");
        prompt.ShouldContain("Question: How do bees make honey?");
    }

    [Fact]
    public async Task Answer_NothingPassesTheThreshold_RefusesWithoutAskingTheModel()
    {
        await using var chat = await FakeChat.StartAsync();
        await using var knowledge = await StartAsync(chat);
        await knowledge.IngestCorpusAsync("corpus");

        using var response = await knowledge.SendAsync(HttpMethod.Post, "v1/knowledge/answer", new { collection = "corpus", question = "Which team won the 1998 football World Cup final?" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var events = Parse(await response.Content.ReadAsStringAsync());
        events.Select(e => e.Event).ShouldBe(["sources", "delta", "done"]);
        events[0].Data["sources"]!.AsArray().ShouldBeEmpty();
        events[1].Data["text"]!.GetValue<string>().ShouldStartWith("I cannot answer this from the collection 'corpus'");
        events[2].Data["grounded"]!.GetValue<bool>().ShouldBeFalse();
        events[2].Data["finishReason"]!.GetValue<string>().ShouldBe("no_relevant_sources");
        chat.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Answer_NoChatModelConfigured_Is503WhileQueryKeepsWorking()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);
        await knowledge.IngestAsync("notes", "bees", "Bees make honey from nectar.");

        using var answer = await knowledge.SendAsync(HttpMethod.Post, "v1/knowledge/answer", new { collection = "notes", question = "How is honey made?" });

        answer.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        answer.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await answer.Content.ReadAsStringAsync()).ShouldContain("Knowledge:Chat:Model");
        (await knowledge.QueryAsync("notes", "How is honey made?")).Count.ShouldBe(1);
        // Still ready (retrieval works); the chat check says why answers are off.
        using var health = await knowledge.Http.GetAsync("health");
        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        var chatCheck = JsonNode.Parse(await health.Content.ReadAsStringAsync())!["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "chat")!;
        chatCheck["status"]!.GetValue<string>().ShouldBe("Degraded");
    }

    [Fact]
    public async Task Answer_ChatUpstreamUnavailable_Is503WithItsReasonBeforeAnyEvent()
    {
        await using var chat = await FakeChat.StartAsync();
        chat.Unavailable = true;
        await using var knowledge = await StartAsync(chat);
        await knowledge.IngestAsync("notes", "bees", "Bees make honey from nectar.");

        using var response = await knowledge.SendAsync(HttpMethod.Post, "v1/knowledge/answer", new { collection = "notes", question = "How is honey made?" });

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("HTTP 503");
    }

    private Task<KnowledgeHost> StartAsync(FakeChat chat) =>
        KnowledgeHost.StartAsync(model.BaseAddress, new Dictionary<string, string?>
        {
            ["Knowledge:Chat:Url"] = chat.BaseAddress.ToString(),
            ["Knowledge:Chat:Model"] = FakeChat.Model,
        });

    internal static List<(string Event, JsonNode Data)> Parse(string stream)
    {
        // Every answer ends as OpenAI's streams do, which the gateway relies on.
        stream.ShouldEndWith("data: [DONE]\n\n");
        var events = new List<(string, JsonNode)>();
        foreach (var block in stream.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var name = lines.FirstOrDefault(l => l.StartsWith("event:", StringComparison.Ordinal))?["event:".Length..].Trim() ?? "message";
            var data = string.Join('\n', lines.Where(l => l.StartsWith("data:", StringComparison.Ordinal)).Select(l => l["data:".Length..].TrimStart()));
            if (data == "[DONE]") continue;
            events.Add((name, JsonNode.Parse(data)!));
        }

        return events;
    }
}
