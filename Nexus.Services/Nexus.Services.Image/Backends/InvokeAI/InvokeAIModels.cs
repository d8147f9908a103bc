using System.Text.Json.Nodes;
using Nexus.Services.Image.Backends.ComfyUI;

namespace Nexus.Services.Image.Backends.InvokeAI;

/// <summary>
/// InvokeAI's installed main models (<c>GET /api/v2/models/?model_type=main</c>) as catalog entries. The built-in
/// text-to-image graph serves the Stable Diffusion 1, 2 and XL bases; a model of another base (FLUX, SD3, ...) is
/// listed as not ready, with that reason, rather than hidden or sent a graph it cannot run.
/// </summary>
internal static class InvokeAIModels
{
    public static readonly IReadOnlySet<string> SupportedBases = new HashSet<string>(StringComparer.Ordinal) { "sd-1", "sd-2", "sdxl" };

    public static IReadOnlyList<ImageModel> Read(JsonNode? list, IImageBackend backend)
    {
        var models = list.Field("models") as JsonArray ?? throw new BackendFailedException("InvokeAI's model list has no 'models' array.");
        var entries = new List<ImageModel>();
        foreach (var model in models)
        {
            if (model.Field("type").Text() != "main" || model.Field("key").Text() is not { } key || model.Field("name").Text() is not { } name) continue;
            // The engine knows a model by its key; clients by its name, under the backend's prefix.
            var entry = ImageModel.Checkpoint(backend, name) with { EngineModel = key };
            var modelBase = model.Field("base").Text() ?? "unknown";
            var supported = SupportedBases.Contains(modelBase);
            entries.Add(entry with
            {
                Descriptor = entry.Descriptor with
                {
                    Labels = new Dictionary<string, string> { ["engine"] = backend.Name, ["base"] = modelBase },
                    Ready = supported,
                    Reason = supported ? null : $"InvokeAI's model '{name}' has base '{modelBase}'; the built-in text-to-image graph serves sd-1, sd-2 and sdxl.",
                },
            });
        }

        return entries;
    }

    /// <summary>The model's identifier as InvokeAI's loader nodes take it (<c>ModelIdentifierField</c>).</summary>
    public static JsonObject Identifier(JsonNode? config) => new()
    {
        ["key"] = config.Field("key").Text(),
        ["hash"] = config.Field("hash").Text(),
        ["name"] = config.Field("name").Text(),
        ["base"] = config.Field("base").Text(),
        ["type"] = config.Field("type").Text(),
    };
}
