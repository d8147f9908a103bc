using System.Net;
using System.Text.Json.Nodes;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>What every store must do, run against SQLite and PostgreSQL alike.</summary>
internal static class StoreScenarios
{
    private const string Bread = "Sourdough bread rises with a starter of wild yeast; feed the starter flour and water every day.";
    private const string Tides = "Tides rise and fall twice a day because the Moon's gravity pulls the oceans into two bulges.";
    private const string Volcano = "A volcano erupts when gas bubbles in rising magma blow the rock apart.";

    /// <summary>Ingest, re-ingest (the old chunks go), list, delete a document, delete the collection.</summary>
    public static async Task IngestReplaceDeleteAsync(KnowledgeHost knowledge)
    {
        var first = await knowledge.IngestAsync("notes", "kitchen", Bread);
        first["replaced"]!.GetValue<bool>().ShouldBeFalse();
        first["chunks"]!.GetValue<int>().ShouldBe(1);
        first["model"]!.GetValue<string>().ShouldBe(EmbeddingModel.Model);
        await knowledge.IngestAsync("notes", "coast", Tides);

        var bread = await knowledge.QueryAsync("notes", "How do I feed a sourdough starter?", topK: 1);
        KnowledgeHost.DocumentOf(bread[0]).ShouldBe("kitchen");
        bread[0]!["text"]!.GetValue<string>().ShouldBe(Bread);
        bread[0]!["citation"]!["position"]!.GetValue<int>().ShouldBe(0);

        // The same id again: its bread chunk is replaced by a volcano one.
        var second = await knowledge.IngestAsync("notes", "kitchen", Volcano);
        second["replaced"]!.GetValue<bool>().ShouldBeTrue();
        var all = await knowledge.QueryAsync("notes", "sourdough starter", topK: 10);
        all.Count.ShouldBe(2);
        all.Select(r => r!["text"]!.GetValue<string>()).ShouldNotContain(Bread);
        KnowledgeHost.DocumentOf((await knowledge.QueryAsync("notes", "Why do volcanoes erupt?", topK: 1))[0]).ShouldBe("kitchen");

        var documents = JsonNode.Parse(await knowledge.Http.GetStringAsync("v1/knowledge/collections/notes/documents"))!["documents"]!.AsArray();
        documents.Select(d => d!["documentId"]!.GetValue<string>()).ShouldBe(["coast", "kitchen"]);
        var collections = JsonNode.Parse(await knowledge.Http.GetStringAsync("v1/knowledge/collections"))!["collections"]!.AsArray();
        collections.Single()!["documents"]!.GetValue<int>().ShouldBe(2);
        collections.Single()!["chunks"]!.GetValue<int>().ShouldBe(2);
        collections.Single()!["dimensions"]!.GetValue<int>().ShouldBe(384);

        using (var deleted = await knowledge.SendAsync(HttpMethod.Delete, "v1/knowledge/collections/notes/documents/kitchen"))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
            JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["chunks"]!.GetValue<int>().ShouldBe(1);
        }

        using (var again = await knowledge.SendAsync(HttpMethod.Delete, "v1/knowledge/collections/notes/documents/kitchen"))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            again.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        }

        (await knowledge.QueryAsync("notes", "Why do volcanoes erupt?", topK: 10)).Select(KnowledgeHost.DocumentOf).ShouldBe(["coast"]);

        using (var dropped = await knowledge.SendAsync(HttpMethod.Delete, "v1/knowledge/collections/notes"))
        {
            dropped.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using var gone = await knowledge.SendAsync(HttpMethod.Post, "v1/knowledge/query", new { collection = "notes", query = "tides" });
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        JsonNode.Parse(await knowledge.Http.GetStringAsync("v1/knowledge/collections"))!["collections"]!.AsArray().ShouldBeEmpty();
    }

    /// <summary>Two tenants with a collection of the same name see, replace and delete only their own documents.</summary>
    public static async Task TenantsAreIsolatedAsync(KnowledgeHost knowledge)
    {
        await knowledge.IngestAsync("shared-name", "doc", Bread, tenant: "tn_alpha");
        await knowledge.IngestAsync("shared-name", "doc", Tides, tenant: "tn_beta");

        var alpha = await knowledge.QueryAsync("shared-name", "ocean tides and the moon", topK: 10, tenant: "tn_alpha");
        alpha.Select(r => r!["text"]!.GetValue<string>()).ShouldBe([Bread]);
        var beta = await knowledge.QueryAsync("shared-name", "ocean tides and the moon", topK: 10, tenant: "tn_beta");
        beta.Select(r => r!["text"]!.GetValue<string>()).ShouldBe([Tides]);

        // A tenant without the collection, and the default tenant (no header), see nothing of either.
        using (var none = await knowledge.SendAsync(HttpMethod.Post, "v1/knowledge/query", new { collection = "shared-name", query = "tides" }, "tn_gamma"))
        {
            none.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        JsonNode.Parse(await knowledge.Http.GetStringAsync("v1/knowledge/collections"))!["collections"]!.AsArray().ShouldBeEmpty();

        using (var deleted = await knowledge.SendAsync(HttpMethod.Delete, "v1/knowledge/collections/shared-name", tenant: "tn_beta"))
        {
            deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await knowledge.QueryAsync("shared-name", "bread", tenant: "tn_alpha")).Count.ShouldBe(1);
        using var betaGone = await knowledge.SendAsync(HttpMethod.Get, "v1/knowledge/collections/shared-name/documents", tenant: "tn_beta");
        betaGone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
