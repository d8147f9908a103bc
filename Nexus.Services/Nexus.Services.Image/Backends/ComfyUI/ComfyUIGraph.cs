using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>
/// The standard txt2img graph in ComfyUI's API format: checkpoint → prompt encodings → empty latent (one per image) →
/// KSampler → VAE decode → SaveImage. Node ids follow ComfyUI's own example so its logs read familiarly.
/// </summary>
internal static class ComfyUIGraph
{
    public static JsonObject Txt2Img(GenerationPlan plan, ImageOptions options) => new()
    {
        ["4"] = Node("CheckpointLoaderSimple", new() { ["ckpt_name"] = plan.Model }),
        ["6"] = Node("CLIPTextEncode", new() { ["text"] = plan.Prompt, ["clip"] = Link("4", 1) }),
        ["7"] = Node("CLIPTextEncode", new() { ["text"] = "", ["clip"] = Link("4", 1) }),
        ["5"] = Node("EmptyLatentImage", new() { ["width"] = plan.Width, ["height"] = plan.Height, ["batch_size"] = plan.Count }),
        ["3"] = Node("KSampler", new()
        {
            ["seed"] = plan.Seed,
            ["steps"] = options.Steps,
            ["cfg"] = options.CfgScale,
            ["sampler_name"] = options.ComfyUISampler,
            ["scheduler"] = options.ComfyUIScheduler,
            ["denoise"] = 1.0,
            ["model"] = Link("4", 0),
            ["positive"] = Link("6", 0),
            ["negative"] = Link("7", 0),
            ["latent_image"] = Link("5", 0),
        }),
        ["8"] = Node("VAEDecode", new() { ["samples"] = Link("3", 0), ["vae"] = Link("4", 2) }),
        ["9"] = Node("SaveImage", new() { ["filename_prefix"] = "nexus", ["images"] = Link("8", 0) }),
    };

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };

    /// <summary>An input wired to output <paramref name="slot"/> of node <paramref name="node"/>.</summary>
    private static JsonArray Link(string node, int slot) => new(node, slot);
}
