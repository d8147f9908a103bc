using System.Net;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>
/// Client → gateway → knowledge service → gateway → inference service's local model: the service embeds through the
/// real gateway's /v1/embeddings with its own key, and keeps each calling tenant's collections apart by the tenant the
/// gateway tells it, whatever header the client sends.
/// </summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class ThroughGatewayTests
{
    [Fact]
    public async Task Knowledge_ThroughTheGateway_EmbedsThroughItAndIsolatesTheCallersTenants()
    {
        await using var gateway = await TestGateway.StartAsync();
        var (_, serviceKey) = await gateway.CreateTenantKeyAsync("knowledge-service");
        var (alphaTenant, alphaKey) = await gateway.CreateTenantKeyAsync("alpha");
        var (_, betaKey) = await gateway.CreateTenantKeyAsync("beta");

        await using var inference = await EmbeddingModel.StartAsync(gateway.Registration);
        await gateway.WaitUntilReadyAsync("inference");
        await using var chat = await FakeChat.StartAsync();
        // No embeddings URL of its own: the registry's, the gateway's, with the service's own tenant key.
        await using var knowledge = await KnowledgeHost.StartAsync(null, new Dictionary<string, string?>(gateway.Registration)
        {
            ["Knowledge:Gateway:ApiKey"] = serviceKey,
            ["Knowledge:Chat:Url"] = chat.BaseAddress.ToString(),
            ["Knowledge:Chat:Model"] = FakeChat.Model,
        });
        await gateway.WaitUntilReadyAsync("knowledge");

        using var alpha = gateway.Client(alphaKey);
        using var beta = gateway.Client(betaKey);
        using (var ingest = await alpha.PostAsJsonAsync("v1/services/knowledge/v1/knowledge/documents",
            new { collection = "handbook", documentId = "coffee", text = "The office coffee machine is descaled every Friday afternoon." }))
        {
            ingest.StatusCode.ShouldBe(HttpStatusCode.OK, await ingest.Content.ReadAsStringAsync());
        }

        using var found = await alpha.PostAsJsonAsync("v1/services/knowledge/v1/knowledge/query", new { collection = "handbook", query = "When is the coffee machine cleaned?" });
        found.StatusCode.ShouldBe(HttpStatusCode.OK);
        var results = (await found.Content.ReadFromJsonAsync<JsonObject>())!["results"]!.AsArray();
        results.Single()!["citation"]!["documentId"]!.GetValue<string>().ShouldBe("coffee");
        results.Single()!["similarity"]!.GetValue<double>().ShouldBeGreaterThan(0.5);

        // The answer's events stream through the gateway unchanged.
        using (var answer = await alpha.PostAsJsonAsync("v1/services/knowledge/v1/knowledge/answer", new { collection = "handbook", question = "When is the coffee machine cleaned?" }))
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.OK);
            answer.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
            var events = AnswerTests.Parse(await answer.Content.ReadAsStringAsync());
            events.Select(e => e.Event).ShouldBe(["sources", "delta", "delta", "delta", "done"]);
            events[0].Data["sources"]!.AsArray().Single()!["citation"]!["documentId"]!.GetValue<string>().ShouldBe("coffee");
        }

        // Beta does not see alpha's collection, even claiming alpha's tenant in the header the gateway sets.
        using (var hidden = await beta.PostAsJsonAsync("v1/services/knowledge/v1/knowledge/query", new { collection = "handbook", query = "coffee" }))
        {
            hidden.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        using var spoof = new HttpRequestMessage(HttpMethod.Get, "v1/services/knowledge/v1/knowledge/collections");
        spoof.Headers.Add("X-Nexus-Tenant", alphaTenant);
        using var spoofed = await beta.SendAsync(spoof);
        spoofed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await spoofed.Content.ReadFromJsonAsync<JsonObject>())!["collections"]!.AsArray().ShouldBeEmpty();

        // The service stored it under alpha's gateway tenant id.
        using var direct = await knowledge.SendAsync(HttpMethod.Get, "v1/knowledge/collections", tenant: alphaTenant);
        (await direct.Content.ReadFromJsonAsync<JsonObject>())!["collections"]!.AsArray().Single()!["name"]!.GetValue<string>().ShouldBe("handbook");
    }
}
