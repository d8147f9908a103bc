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
    private const string AdminKey = "nxadm-knowledge-e2e-admin-key";
    private const string RegistrationToken = "knowledge-e2e-registration-token";

    [Fact]
    public async Task Knowledge_ThroughTheGateway_EmbedsThroughItAndIsolatesTheCallersTenants()
    {
        var gateway = await StartGatewayAsync();
        try
        {
            var gatewayUrl = TestWebHost.BaseAddress(gateway).ToString().TrimEnd('/');
            var registration = new Dictionary<string, string?>
            {
                ["Nexus:Registry:Enabled"] = "true",
                ["Nexus:Registry:Url"] = gatewayUrl,
                ["Nexus:Registry:Token"] = RegistrationToken,
            };
            using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
            var (_, serviceKey) = await CreateTenantKeyAsync(admin, "knowledge-service");
            var (alphaTenant, alphaKey) = await CreateTenantKeyAsync(admin, "alpha");
            var (_, betaKey) = await CreateTenantKeyAsync(admin, "beta");

            await using var inference = await EmbeddingModel.StartAsync(registration);
            await WaitUntilReadyAsync(admin, "inference");
            await using var chat = await FakeChat.StartAsync();
            // No embeddings URL of its own: the registry's, the gateway's, with the service's own tenant key.
            await using var knowledge = await KnowledgeHost.StartAsync(null, new Dictionary<string, string?>(registration)
            {
                ["Knowledge:Gateway:ApiKey"] = serviceKey,
                ["Knowledge:Chat:Url"] = chat.BaseAddress.ToString(),
                ["Knowledge:Chat:Model"] = FakeChat.Model,
            });
            await WaitUntilReadyAsync(admin, "knowledge");

            using var alpha = Client(gatewayUrl, alphaKey);
            using var beta = Client(gatewayUrl, betaKey);
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
        finally
        {
            await TestWebHost.StopAsync(gateway);
        }
    }

    private static HttpClient Client(string gatewayUrl, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    private static async Task<WebApplication> StartGatewayAsync()
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Token"] = RegistrationToken,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Gateway:BootstrapAdminKey"] = AdminKey,
            ["Nexus:Gateway:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"nexus-knowledge-e2e-{Guid.NewGuid():N}.db"),
        });
        builder.AddServiceDefaults();
        builder.AddNexusGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNexusGateway();
        await TestWebHost.StartAsync(app);
        return app;
    }

    private static Task WaitUntilReadyAsync(HttpClient admin, string service) =>
        Eventually.WaitAsync(
            () => admin.GetStringAsync("v1/registry/instances?state=ready"),
            instances => instances.Contains($"\"{service}\"", StringComparison.Ordinal),
            $"the {service} service to be ready in the registry",
            TimeSpan.FromSeconds(60));

    private static async Task<(string Tenant, string Key)> CreateTenantKeyAsync(HttpClient admin, string name)
    {
        var tenant = await (await admin.PostAsJsonAsync("admin/tenants", new { name })).Content.ReadFromJsonAsync<JsonObject>();
        var key = await (await admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "e2e" })).Content.ReadFromJsonAsync<JsonObject>();
        return (tenant["id"]!.GetValue<string>(), key!["key"]!.GetValue<string>());
    }
}
