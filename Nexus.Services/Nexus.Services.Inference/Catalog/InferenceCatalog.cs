using Nexus.Contract;
using Nexus.Services.Inference.Embeddings;

namespace Nexus.Services.Inference.Catalog;

/// <summary>What the service serves: the local model (when enabled) and then every upstream's models.</summary>
internal sealed class InferenceCatalog(LocalEmbeddingModel local, UpstreamCatalog upstreams) : IModelCatalog
{
    public async ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken)
    {
        var models = await upstreams.GetModelsAsync(cancellationToken);
        if (!local.Enabled) return models;
        // The local model answers its name, so an upstream listing the same id would never be reached.
        return [local.Descriptor, .. models.Where(m => !string.Equals(m.Id, LocalEmbeddingModel.Id, StringComparison.OrdinalIgnoreCase))];
    }
}
