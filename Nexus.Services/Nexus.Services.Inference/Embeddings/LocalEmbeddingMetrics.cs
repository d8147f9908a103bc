using System.Diagnostics.Metrics;

namespace Nexus.Services.Inference.Embeddings;

/// <summary>The local model's work on the <c>Nexus.Services.Inference</c> meter: batches run or cut short, inputs and tokens embedded.</summary>
internal sealed class LocalEmbeddingMetrics
{
    public const string MeterName = "Nexus.Services.Inference";

    private readonly Counter<long> _batches;
    private readonly Counter<long> _tokens;

    public LocalEmbeddingMetrics(IMeterFactory factory)
    {
        var meter = factory.Create(MeterName);
        _batches = meter.CreateCounter<long>("nexus.inference.local_embeddings.batches", "{batch}", "Batches through the local model, by outcome (completed, cancelled).");
        _tokens = meter.CreateCounter<long>("nexus.inference.local_embeddings.tokens", "{token}", "Word pieces embedded by the local model.");
    }

    public void Completed(long tokens)
    {
        _batches.Add(1, new KeyValuePair<string, object?>("outcome", "completed"));
        _tokens.Add(tokens);
    }

    public void Cancelled() => _batches.Add(1, new KeyValuePair<string, object?>("outcome", "cancelled"));
}
