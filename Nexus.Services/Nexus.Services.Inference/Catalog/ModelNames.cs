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
        if (exact is not null || HasTag(name)) return exact;
        var latest = name + ":latest";
        return models.FirstOrDefault(m => m.Model.Id == latest);
    }

    /// <summary>A colon before the last <c>/</c> is a registry's port (<c>registry.local:5000/llama3.2</c>), not a tag.</summary>
    private static bool HasTag(string name) => name.AsSpan(name.LastIndexOf('/') + 1).Contains(':');
}
