using Nexus.Contract;
using Nexus.Services.Image.Backends;

namespace Nexus.Services.Image;

/// <summary>
/// The models of every configured backend, asked afresh on each call so readiness is current. A backend that cannot
/// list its models appears as one not-ready entry named after it, with the reason.
/// </summary>
internal sealed class ImageCatalog(IEnumerable<IImageBackend> backends) : IModelCatalog
{
    public async Task<IReadOnlyList<ImageModel>> ListAsync(CancellationToken cancellationToken)
    {
        // Asked together: two unreachable engines then cost one timeout, not two, on every /health.
        var lists = await Task.WhenAll(backends.Where(b => b.IsConfigured).Select(b => ModelsOrReasonAsync(b, cancellationToken)));
        return lists.SelectMany(list => list).ToList();
    }

    /// <summary>The entry for <paramref name="id"/>; for an id under a down backend's prefix, that backend's not-ready entry.</summary>
    public static ImageModel? Find(IReadOnlyList<ImageModel> models, string id) =>
        models.FirstOrDefault(m => m.Descriptor.Id == id)
        ?? models.FirstOrDefault(m => !m.Descriptor.Ready && m.Backend.ModelPrefix.Length > 0 && id.StartsWith(m.Backend.ModelPrefix, StringComparison.Ordinal));

    public async ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).Select(m => m.Descriptor).ToList();

    private static async Task<IReadOnlyList<ImageModel>> ModelsOrReasonAsync(IImageBackend backend, CancellationToken cancellationToken)
    {
        try
        {
            return await backend.ModelsAsync(cancellationToken);
        }
        catch (BackendException ex)
        {
            var descriptor = new ModelDescriptor { Id = backend.Name, OwnedBy = backend.Name, OutputModalities = ["image"], Ready = false, Reason = ex.Message };
            return [new ImageModel(descriptor, backend, backend.Name)];
        }
    }
}
