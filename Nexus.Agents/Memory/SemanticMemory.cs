using Microsoft.Extensions.AI;

namespace Nexus.Agents.Memory;

/// <summary>
/// Long-term memory of one scope, recalled by meaning: texts are embedded through the gateway's <c>/v1/embeddings</c>
/// and stored with their vectors; a recall embeds the query and ranks the scope's memories by cosine similarity (a
/// brute-force scan: a scope holds hundreds of memories, not millions).
/// </summary>
internal sealed class SemanticMemory(IAgentStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, MemoryScope scope)
{
    public async Task<string> RememberAsync(string text, CancellationToken cancellationToken)
    {
        scope.Require();
        var vector = (await embeddings.GenerateAsync([text], cancellationToken: cancellationToken))[0].Vector.ToArray();
        return await store.AddMemoryAsync(scope, text, vector, cancellationToken);
    }

    public async Task<IReadOnlyList<(MemoryRecord Memory, double Score)>> RecallAsync(string query, int count, CancellationToken cancellationToken)
    {
        var memories = await store.ListMemoriesAsync(scope, cancellationToken);
        if (memories.Count == 0 || count == 0 || string.IsNullOrWhiteSpace(query)) return [];
        var vector = (await embeddings.GenerateAsync([query], cancellationToken: cancellationToken))[0].Vector.ToArray();
        return [.. memories.Select(m => (m, Cosine(vector, m.Vector))).OrderByDescending(x => x.Item2).Take(count)];
    }

    private static double Cosine(float[] a, float[] b)
    {
        if (a.Length != b.Length) return -1;
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }
}
