using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>
/// The inference service with the real all-MiniLM-L6-v2 model in process, started once for every test that needs
/// embeddings (loading it takes a second or two and a few hundred megabytes); the knowledge service is pointed at it
/// directly, which speaks the same OpenAI protocol as the gateway.
/// </summary>
public sealed class EmbeddingModel : IAsyncLifetime
{
    public const string Model = "all-minilm-l6-v2";

    private TestService? _service;

    public Uri BaseAddress => _service?.BaseAddress ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _service = await StartAsync(null);
    }

    /// <summary>An inference service with the local model only (no upstreams), registering with a gateway when settings say so.</summary>
    public static async Task<TestService> StartAsync(IDictionary<string, string?>? settings)
    {
        var configuration = new Dictionary<string, string?> { ["Nexus:Kind"] = "inference", ["Inference:LocalEmbeddings:Enabled"] = "true" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        var service = await TestService.StartAsync(
            "Nexus.Services.Inference",
            "inference",
            configuration,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddInferenceService();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapInferenceApi();
            });
        await Eventually.WaitAsync(
            async () => JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray().Any(m => m!["id"]!.GetValue<string>() == Model && m["ready"]!.GetValue<bool>()),
            ready => ready,
            "the local embedding model to load",
            TimeSpan.FromSeconds(90));
        return service;
    }

    public async Task DisposeAsync()
    {
        if (_service is not null) await _service.DisposeAsync();
    }
}

/// <summary>Every test class that embeds shares one model (and so runs one after another).</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddingModelCollection : ICollectionFixture<EmbeddingModel>
{
    public const string Name = "embedding model";
}
