using System.Text;
using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>The knowledge service on a random port, wired as its Program.cs wires it, on a SQLite file of its own unless told otherwise.</summary>
internal sealed class KnowledgeHost : IAsyncDisposable
{
    private readonly string _sqlitePath;

    private KnowledgeHost(TestService service, string sqlitePath)
    {
        Service = service;
        _sqlitePath = sqlitePath;
    }

    public TestService Service { get; }

    public HttpClient Http => Service.Http;

    public Uri BaseAddress => Service.BaseAddress;

    /// <param name="embeddings">Where embeddings come from (null: nowhere).</param>
    /// <param name="settings">Further settings, over these.</param>
    public static async Task<KnowledgeHost> StartAsync(Uri? embeddings, IDictionary<string, string?>? settings = null)
    {
        var sqlite = Path.Combine(Path.GetTempPath(), $"nexus-knowledge-test-{Guid.NewGuid():N}.db");
        var configuration = new Dictionary<string, string?>
        {
            ["Nexus:Kind"] = "custom",
            ["Knowledge:SqlitePath"] = sqlite,
            ["Knowledge:Embeddings:Url"] = embeddings?.ToString(),
            ["Knowledge:ReadinessCacheDuration"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var service = await TestService.StartAsync(
            "Nexus.Services.Knowledge",
            "knowledge",
            configuration,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddKnowledgeService();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapKnowledgeApi();
            });
        return new KnowledgeHost(service, sqlite);
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, object? body = null, string? tenant = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        if (tenant is not null) request.Headers.Add("X-Nexus-Tenant", tenant);
        return request;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? tenant = null)
    {
        using var request = Request(method, path, body, tenant);
        return await Http.SendAsync(request);
    }

    /// <summary>Ingests a document and asserts it worked; the response's JSON.</summary>
    public async Task<JsonNode> IngestAsync(string collection, string documentId, string text, string format = "text", string? tenant = null, string? source = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/knowledge/documents", new { collection, documentId, text, format, source }, tenant);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>Ingests every file of the shipped corpus into <paramref name="collection"/>, each under its file name.</summary>
    public async Task IngestCorpusAsync(string collection, string? tenant = null)
    {
        foreach (var path in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus")).Order(StringComparer.Ordinal))
        {
            var format = Path.GetExtension(path) switch { ".md" => "markdown", ".html" => "html", _ => "text" };
            await IngestAsync(collection, Path.GetFileName(path), await File.ReadAllTextAsync(path), format, tenant, source: "corpus/" + Path.GetFileName(path));
        }
    }

    /// <summary>A query's results (asserting a 200).</summary>
    public async Task<JsonArray> QueryAsync(string collection, string query, int topK = 5, bool hybrid = false, string? tenant = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "v1/knowledge/query", new { collection, query, topK, hybrid }, tenant);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(200, body);
        return JsonNode.Parse(body)!["results"]!.AsArray();
    }

    public static string DocumentOf(JsonNode? result) => result!["citation"]!["documentId"]!.GetValue<string>();

    public static double ScoreOf(JsonNode? result) => result!["score"]!.GetValue<double>();

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_sqlitePath + suffix);
        }
    }
}
