namespace Nexus.Services.Inference.Embeddings;

/// <summary>The in-process embedding model (<c>Inference:LocalEmbeddings</c>).</summary>
public sealed class LocalEmbeddingsOptions
{
    /// <summary>Load all-MiniLM-L6-v2 at start and serve it as <c>all-minilm-l6-v2</c>; off leaves every model to the upstreams.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Inputs run through the model together; a batch is padded to its longest input.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Batches run at once across all requests; ONNX Runtime already spreads one batch over every core.</summary>
    public int MaxConcurrentBatches { get; set; } = 1;

    /// <summary>Most inputs one request may carry (OpenAI's limit is 2048).</summary>
    public int MaxInputs { get; set; } = 2048;
}
