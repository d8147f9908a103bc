using System.Numerics.Tensors;
using Nexus.Services.Knowledge.Apis;
using Nexus.Services.Knowledge.Embeddings;
using Nexus.Services.Knowledge.Storage;
using Nexus.Services.Knowledge.Tenancy;

namespace Nexus.Services.Knowledge.Retrieval;

/// <summary>What to retrieve: the query and how to rank.</summary>
internal sealed record Search(string Query, int TopK, bool Hybrid, double KeywordWeight, double? MinScore);

/// <summary>The best chunks, and the best score of all (even below the threshold), to say how close the collection came.</summary>
internal sealed record Retrieved(IReadOnlyList<QueryResult> Results, double? BestScore);

/// <summary>
/// Top-k retrieval by a brute-force scan of the collection: every chunk's cosine similarity to the query (and, for
/// hybrid scoring, its keyword share), keeping the best k in a heap, so memory stays O(k) whatever the collection's
/// size. A scan is linear in the chunks; an index (pgvector, HNSW) is the step up for collections of millions.
/// </summary>
internal sealed class Retriever(KnowledgeStore store, Embedder embedder)
{
    public async Task<Retrieved> SearchAsync(Tenant tenant, CollectionSummary collection, Search search, CancellationToken cancellationToken)
    {
        var query = (await embedder.EmbedAsync(collection.Model, [search.Query], cancellationToken))[0];
        if (query.Length != collection.Dimensions)
        {
            throw new CollectionConflictException(
                $"'{collection.Model}' now gives {query.Length}-dimension vectors; the collection '{collection.Name}' holds {collection.Dimensions}-dimension ones. Ingest its documents again into a new collection.");
        }

        var terms = search.Hybrid ? Keywords.Terms(search.Query) : null;
        var best = new PriorityQueue<QueryResult, double>(search.TopK + 1);
        double? bestScore = null;
        await foreach (var chunk in store.ScanAsync(tenant, collection.Name, cancellationToken))
        {
            var similarity = (double)TensorPrimitives.CosineSimilarity(query, Vectors.FromBytes(chunk.Embedding));
            double? keyword = terms is null ? null : Keywords.Score(terms, chunk.Text);
            var score = keyword is { } k ? ((1 - search.KeywordWeight) * similarity) + (search.KeywordWeight * k) : similarity;
            if (bestScore is null || score > bestScore) bestScore = score;
            if (search.MinScore is { } min && score < min) continue;
            if (best.Count == search.TopK && best.TryPeek(out _, out var lowest) && score <= lowest) continue;

            best.Enqueue(new QueryResult(Math.Round(score, 4), Math.Round(similarity, 4), keyword is { } kw ? Math.Round(kw, 4) : null, chunk.Text,
                new Citation(chunk.DocumentId, chunk.Position, chunk.Start, chunk.Length, chunk.Page, chunk.Source)), score);
            if (best.Count > search.TopK) best.Dequeue();
        }

        var results = new List<QueryResult>(best.Count);
        while (best.TryDequeue(out var result, out _)) results.Add(result);
        results.Reverse();
        return new Retrieved(results, bestScore is { } b ? Math.Round(b, 4) : null);
    }
}
