using Nexus.Contract;

namespace Nexus.Services.Inference.Catalog;

/// <summary>
/// How a requested model name finds its catalog entry. Ollama lists every model with a tag (<c>llama3.2:latest</c>)
/// yet serves the untagged name as <c>:latest</c>, as Docker does with images, and its users write the short form.
/// </summary>
internal static class ModelNames
{
    /// <summary>
    /// The entry listed under exactly <paramref name="name"/>; failing that, for a name without a tag, the one listed
    /// as <c>name:latest</c>. An exact entry wins even on a later upstream: a server that lists the bare name (vLLM's
    /// <c>--served-model-name</c>) is the one the caller named.
    /// </summary>
    public static UpstreamModel? Find(IReadOnlyList<UpstreamModel> models, string name)
    {
        var exact = models.FirstOrDefault(m => m.Model.Id == name);
        if (exact is not null || ModelTags.LatestOf(name) is not { } latest) return exact;
        return models.FirstOrDefault(m => m.Model.Id == latest);
    }
}
