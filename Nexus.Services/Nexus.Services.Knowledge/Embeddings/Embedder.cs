using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Knowledge.Embeddings;

/// <summary>Texts to vectors through an OpenAI-compatible <c>/v1/embeddings</c> (the gateway's, by default), in batches.</summary>
internal sealed class Embedder(Upstreams upstreams, IHttpClientFactory httpClients, IOptions<KnowledgeOptions> options, ILogger<Embedder> logger)
{
    private readonly ConcurrentDictionary<string, IEmbeddingGenerator<string, Embedding<float>>> _generators = new(StringComparer.Ordinal);

    public async Task<float[][]> EmbedAsync(string model, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var upstream = upstreams.Embeddings;
        if (upstream.BaseUrl is null) throw new UpstreamUnavailableException(upstream.Unconfigured);
        var generator = _generators.GetOrAdd(model, m =>
            upstream.Client(httpClients.CreateClient(Upstream.HttpClientName)).GetEmbeddingClient(m).AsIEmbeddingGenerator());

        var vectors = new List<float[]>(texts.Count);
        foreach (var batch in texts.Chunk(options.Value.Embeddings.BatchSize))
        {
            GeneratedEmbeddings<Embedding<float>> embeddings;
            try
            {
                embeddings = await generator.GenerateAsync(batch, cancellationToken: cancellationToken);
            }
            catch (Exception ex) when (UpstreamUnavailableException.IsUpstreamFailure(ex, cancellationToken))
            {
                var unavailable = UpstreamUnavailableException.From(upstream, model, ex);
                KnowledgeLog.UpstreamUnavailable(logger, unavailable.Message);
                throw unavailable;
            }

            if (embeddings.Count != batch.Length || embeddings.Any(e => e.Vector.Length == 0))
            {
                throw new UpstreamUnavailableException($"The embeddings endpoint at {upstream.BaseUrl} returned {embeddings.Count} vectors for {batch.Length} texts.");
            }

            vectors.AddRange(embeddings.Select(e => e.Vector.ToArray()));
        }

        if (vectors.Select(v => v.Length).Distinct().Count() > 1) throw new UpstreamUnavailableException($"The embeddings endpoint at {upstream.BaseUrl} returned vectors of different lengths.");
        return [.. vectors];
    }
}
