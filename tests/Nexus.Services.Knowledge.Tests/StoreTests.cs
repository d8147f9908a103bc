using System.Net;
using Nexus.Testing;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>Ingest, replace, delete and tenant isolation on the embedded SQLite store and on a real PostgreSQL.</summary>
[Collection(EmbeddingModelCollection.Name)]
public sealed class StoreTests(EmbeddingModel model)
{
    [Fact]
    public async Task Sqlite_IngestReplaceDelete_ReplacesChunksAndDeletesByDocumentAndCollection()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);
        await StoreScenarios.IngestReplaceDeleteAsync(knowledge);
    }

    [Fact]
    public async Task Sqlite_TwoTenants_SeeOnlyTheirOwnCollections()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);
        await StoreScenarios.TenantsAreIsolatedAsync(knowledge);
    }

    [SkippableFact]
    public async Task Postgres_IngestReplaceDeleteAndTenants_BehaveAsOnSqlite()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:nexusdb"] = postgres.ConnectionString };
        await using (var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress, settings))
        {
            (await knowledge.Http.GetStringAsync("health")).ShouldContain("PostgreSQL answers");
            await StoreScenarios.IngestReplaceDeleteAsync(knowledge);
            await StoreScenarios.TenantsAreIsolatedAsync(knowledge);
        }

        // A restart finds the schema in place and the data kept.
        await using var restarted = await KnowledgeHost.StartAsync(model.BaseAddress, settings);
        (await restarted.QueryAsync("shared-name", "bread", tenant: "tn_alpha")).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Tenant_MalformedHeader_Is400ProblemDetails()
    {
        await using var knowledge = await KnowledgeHost.StartAsync(model.BaseAddress);

        using var response = await knowledge.SendAsync(HttpMethod.Get, "v1/knowledge/collections", tenant: "not a tenant/../x");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("X-Nexus-Tenant");
    }
}
