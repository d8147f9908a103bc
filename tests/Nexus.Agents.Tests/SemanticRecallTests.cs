using System.ClientModel;
using Microsoft.Extensions.AI;
using Nexus.Agents.Memory;
using Nexus.Testing;
using OpenAI;

namespace Nexus.Agents.Tests;

/// <summary>The inference service with the real all-MiniLM-L6-v2 model in process, started once for the class.</summary>
public sealed class EmbeddingServiceFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public IEmbeddingGenerator<string, Embedding<float>> Embeddings { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Services.Inference");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "inference",
            ["Nexus:Kind"] = "inference",
            ["Nexus:Registry:Enabled"] = "false",
            ["Inference:LocalEmbeddings:Enabled"] = "true",
        });
        builder.AddServiceDefaults();
        builder.AddInferenceService();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapInferenceApi();
        var address = await TestWebHost.StartAsync(_app);
        using var http = new HttpClient { BaseAddress = address };
        await Eventually.WaitAsync(
            () => http.GetStringAsync("v1/metadata"),
            metadata => metadata.Contains("\"id\":\"all-minilm-l6-v2\"", StringComparison.Ordinal) && !metadata.Contains("loading", StringComparison.OrdinalIgnoreCase),
            "the local embedding model to load", TimeSpan.FromMinutes(3));
        Embeddings = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(address, "v1") })
            .GetEmbeddingClient("all-minilm-l6-v2").AsIEmbeddingGenerator();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await TestWebHost.StopAsync(_app);
    }
}

public sealed class SemanticRecallTests(EmbeddingServiceFixture fixture) : IClassFixture<EmbeddingServiceFixture>
{
    [Fact]
    public async Task Recall_ByMeaning_WithinTheScopeOnly()
    {
        var store = new SqlAgentStore(Microsoft.Data.Sqlite.SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(Directory.CreateTempSubdirectory("nexus-agents-recall-").FullName, "m.db")}"), TimeProvider.System);
        var ada = new SemanticMemory(store, fixture.Embeddings, new MemoryScope("acme", "ada", "home"));
        var bob = new SemanticMemory(store, fixture.Embeddings, new MemoryScope("acme", "bob", "home"));
        await ada.RememberAsync("Ada's cat is a grey kitten called Tom.", default);
        await ada.RememberAsync("The quarterly revenue rose by five percent.", default);
        await bob.RememberAsync("Bob's cat is a black kitten called Felix.", default);

        var recalled = await ada.RecallAsync("What is the name of my pet?", 2, default);

        recalled[0].Memory.Text.ShouldContain("Tom");
        recalled.ShouldNotContain(r => r.Memory.Text.Contains("Felix", StringComparison.Ordinal));
        recalled[0].Score.ShouldBeGreaterThan(recalled[1].Score);
    }

    [Fact]
    public async Task Run_WithLongTermMemory_RecallsIntoTheContextBeforeTheModelCall()
    {
        var model = new ScriptedChatClient().ThenText("Your cat is Tom.");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model, fixture.Embeddings), new Dictionary<string, string>
        {
            ["remembering"] = Specs.Agent("remembering", "memory: { longTerm: true, recall: 1 }\n"),
        });
        var scope = new MemoryScope("default", "ada", "home");
        await new SemanticMemory(host.Get<IAgentStore>(), fixture.Embeddings, scope).RememberAsync("Ada's cat is a grey kitten called Tom.", default);
        await new SemanticMemory(host.Get<IAgentStore>(), fixture.Embeddings, scope).RememberAsync("Ada prefers tea to coffee.", default);

        await RunMechanicsTests.RunAsync(host, "remembering", "What is my kitten called?", scope);

        var sent = string.Join("\n", model.Calls[0].Messages.Select(m => m.Text)) + model.Calls[0].Options?.Instructions;
        sent.ShouldContain("called Tom");
        sent.ShouldNotContain("tea");
    }
}
