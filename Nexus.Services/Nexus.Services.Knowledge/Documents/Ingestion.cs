using Microsoft.Extensions.Options;
using Nexus.Services.Knowledge.Apis;
using Nexus.Services.Knowledge.Embeddings;
using Nexus.Services.Knowledge.Storage;
using Nexus.Services.Knowledge.Tenancy;

namespace Nexus.Services.Knowledge.Documents;

/// <summary>A document's text, ready to ingest.</summary>
internal sealed record DocumentText(string Collection, string DocumentId, string Format, string? Source, string Text);

/// <summary>A document into chunks, chunks into vectors, vectors into the store in place of the document's old ones.</summary>
internal sealed class Ingestion(KnowledgeStore store, Embedder embedder, IOptions<KnowledgeOptions> options, TimeProvider time, ILogger<Ingestion> logger)
{
    /// <summary>Throws <see cref="UpstreamUnavailableException"/> (503) and <see cref="CollectionConflictException"/> (409).</summary>
    public async Task<IngestDocumentResponse> IngestAsync(Tenant tenant, DocumentText document, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var chunks = Chunker.Split(document.Text, settings.ChunkSize, settings.ChunkOverlap, paged: document.Format == DocumentFormat.Pdf);

        // A collection keeps the model it was made with, so its vectors stay comparable when the setting changes.
        var model = (await store.GetCollectionAsync(tenant, document.Collection, cancellationToken))?.Model ?? settings.Embeddings.Model;
        var vectors = await embedder.EmbedAsync(model, chunks.Select(c => c.Text).ToList(), cancellationToken);

        var summary = new DocumentSummary(document.DocumentId, document.Source, document.Format, document.Text.Length, chunks.Count, time.GetUtcNow());
        var replaced = await store.ReplaceDocumentAsync(tenant, document.Collection, model, summary, chunks.Zip(vectors).ToList(), cancellationToken);
        KnowledgeLog.DocumentStored(logger, document.DocumentId, document.Collection, chunks.Count, replaced);
        return new IngestDocumentResponse(document.Collection, document.DocumentId, document.Format, document.Text.Length, chunks.Count, replaced, model);
    }
}
