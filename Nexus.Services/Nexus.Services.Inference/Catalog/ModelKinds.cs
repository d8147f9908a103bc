namespace Nexus.Services.Inference.Catalog;

/// <summary>What a model produces, when its server does not say.</summary>
internal static class ModelKinds
{
    /// <summary>OpenAI's <c>/v1/models</c> has no field for it; embedding models carry it in their names (nomic-embed-text, text-embedding-3-small).</summary>
    public static bool IsEmbeddingName(string id) => id.Contains("embed", StringComparison.OrdinalIgnoreCase);
}
