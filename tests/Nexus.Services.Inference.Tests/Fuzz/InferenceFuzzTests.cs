using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Services.Inference.Tests.Fuzz;

/// <summary>
/// Malformed requests to every function the inference service describes (chat, completions, embeddings, pull), from
/// a fixed seed, with the local embedding model on and an Ollama upstream that answers well: no 5xx (the service's
/// own log of what it answered included), no answer slower than 10 s, OpenAI's envelope on the OpenAI routes and
/// problem details elsewhere, and the service alive afterwards.
/// </summary>
public sealed class InferenceFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 14_141;
    private const int Total = 400;
    private const string LocalModel = "all-minilm-l6-v2";

    [Fact]
    public async Task Fuzz_EveryFunction_NoServerErrorNoHangAndTheRoutesErrorFormat()
    {
        await using var upstream = await FuzzUpstream.StartAsync();
        await using var service = await StartAsync(upstream.Url);
        using var batches = new BatchCount(service.App.Services.GetRequiredService<IMeterFactory>());

        var report = await ServiceFuzz.RunAsync(service.BaseAddress, Seed, Total, openAIRoutes: ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"]);

        output.WriteLine(report.Summary("inference"));
        output.WriteLine($"{service.Requests.Started} requests reached the service, {service.Requests.ServerErrors.Count} answered 5xx; {batches.Value} batches ran through the local model");
        foreach (var failure in report.Failures) output.WriteLine(failure);
        report.Inputs.ShouldBeGreaterThanOrEqualTo(Total);
        report.Failures.ShouldBeEmpty();
        service.Requests.ServerErrors.ShouldBeEmpty();
        using var embedding = await service.Http.PostAsync("v1/embeddings", InferenceHost.Json($"{{\"model\":\"{LocalModel}\",\"input\":\"still there?\"}}"));
        embedding.IsSuccessStatusCode.ShouldBeTrue(await embedding.Content.ReadAsStringAsync());
    }

    private static async Task<TestService> StartAsync(string upstreamUrl)
    {
        var service = await TestService.StartAsync(
            "Nexus.Services.Inference",
            "inference",
            new Dictionary<string, string?>
            {
                ["Inference:Upstreams:0:Name"] = "ollama",
                ["Inference:Upstreams:0:Url"] = upstreamUrl,
                ["Inference:Upstreams:0:Kind"] = "ollama",
                ["Inference:LocalEmbeddings:Enabled"] = "true",
            },
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
        // The fuzz inputs name the catalog's models: wait until it lists both the local model (loaded) and the upstream's.
        await Eventually.WaitAsync(
            async () => JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray().Where(m => m!["ready"]!.GetValue<bool>()).Select(m => m!["id"]!.GetValue<string>()).ToList(),
            ready => ready.Contains(LocalModel) && ready.Contains(FuzzUpstream.Model),
            "the local model and the upstream's to be ready",
            TimeSpan.FromSeconds(60));
        return service;
    }

    /// <summary>Batches the local model ran for this service (its meter factory's meter only, not another test's).</summary>
    private sealed class BatchCount : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public BatchCount(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == "nexus.inference.local_embeddings.batches") listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _value, value));
            _listener.Start();
        }

        public long Value => Interlocked.Read(ref _value);

        public void Dispose() => _listener.Dispose();
    }
}
