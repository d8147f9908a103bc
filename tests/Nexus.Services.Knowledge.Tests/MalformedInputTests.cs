using System.Net;
using System.Text.Json.Nodes;
using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>Bad input is the client's 4xx in problem details, never a 500 or a hang: a 5xx would count against the instance at the gateway.</summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class MalformedInputTests(EmbeddingModel model, ITestOutputHelper output)
{
    private const int Seed = 18_018;

    [Fact]
    public async Task Fuzz_EveryFunction_NoServerErrorNoHangAndProblemDetails()
    {
        // With a chat model, so that answer is reached with every input rather than refused as off.
        await using var chat = await FakeChat.StartAsync();
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress, new Dictionary<string, string?>
        {
            ["Knowledge:Chat:Url"] = chat.BaseAddress.ToString(),
            ["Knowledge:Chat:Model"] = FakeChat.Model,
        });
        await knowledge.IngestAsync("corpus", "bees", "Bees make honey from nectar.");

        var report = await ServiceFuzz.RunAsync(knowledge.BaseAddress, Seed, total: 270, openAIRoutes: []);

        output.WriteLine(report.Summary("knowledge"));
        foreach (var failure in report.Failures) output.WriteLine(failure);
        report.Inputs.ShouldBeGreaterThanOrEqualTo(270);
        report.Failures.ShouldBeEmpty();
        knowledge.Service.Requests.ServerErrors.ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_MalformedMultipart_Is4xxProblemDetails()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);
        var inputs = new MalformedInputs(JsonNode.Parse(await knowledge.Http.GetStringAsync("v1/metadata"))!, Seed).FixedCases("upload-document");

        foreach (var input in inputs)
        {
            var response = await ServiceFuzz.SendAsync(knowledge.BaseAddress, input);
            output.WriteLine($"{input.Kind}: {response.Status} {response.Text[..Math.Min(160, response.Text.Length)]}");
            ServiceFuzz.Check(response, openAI: false).ShouldBeNull(input.ToString());
            response.Status.ShouldBeGreaterThanOrEqualTo(400, input.ToString());
        }
    }

    [Theory]
    [InlineData("""{"collection":"bad name!","documentId":"a","text":"x"}""", "collection")]
    [InlineData("""{"collection":"c","documentId":"../etc","text":"x"}""", "documentId")]
    [InlineData("""{"collection":"c","documentId":"a","text":"   "}""", "text")]
    [InlineData("""{"collection":"c","documentId":"a","text":"x","format":"docx"}""", "format")]
    [InlineData("""{"collection":"c","documentId":"a","text":"x","format":"pdf"}""", "format")]
    public async Task Ingest_InvalidField_Is400NamingTheField(string body, string field)
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        using var response = await knowledge.Http.PostAsync("v1/knowledge/documents", KnowledgeHost.Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field].ShouldNotBeNull();
    }

    [Theory]
    [InlineData("""{"collection":"corpus","query":"bees","topK":0}""", "topK")]
    [InlineData("""{"collection":"corpus","query":"bees","topK":51}""", "topK")]
    [InlineData("""{"collection":"corpus","query":"bees","keywordWeight":1.5}""", "keywordWeight")]
    [InlineData("""{"collection":"corpus","query":""}""", "query")]
    public async Task Query_InvalidField_Is400NamingTheField(string body, string field)
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        using var response = await knowledge.Http.PostAsync("v1/knowledge/query", KnowledgeHost.Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field].ShouldNotBeNull();
    }
}
