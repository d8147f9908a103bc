using System.Text.Json.Nodes;
using Nexus.Testing;

namespace Nexus.Services.Inference.Tests.Embeddings;

/// <summary>
/// One service with the real local model, loaded once for the tests of a class (loading takes about a second and
/// 90 MB), and a fake upstream beside it so routing between the two can be seen.
/// </summary>
public sealed class LocalModelHost : IAsyncLifetime
{
    private FakeUpstream? _upstream;
    private InferenceHost? _service;

    internal InferenceHost Service => _service ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _service = await InferenceHost.StartAsync(_upstream.Url, kind: "ollama", localEmbeddings: true);
        await Eventually.WaitAsync(
            async () => JsonNode.Parse(await _service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray().Any(m => m!["id"]!.GetValue<string>() == "all-minilm-l6-v2" && m["ready"]!.GetValue<bool>()),
            ready => ready,
            "the local model to load",
            TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (_service is not null) await _service.DisposeAsync();
        if (_upstream is not null) await _upstream.DisposeAsync();
    }
}
