using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Backends.InvokeAI;

/// <summary>
/// The text-to-image batch InvokeAI's own linear UI enqueues: model loader → prompt (compel, or the SDXL prompt with
/// its two text encoders) → noise → denoise latents → latents to image (l2i, kept in the gallery). One run per image,
/// each with its own seed, given as batch data on the noise node's <c>seed</c>.
/// </summary>
internal static class InvokeAIGraph
{
    /// <summary>The node whose output is the image.</summary>
    public const string OutputNode = "l2i";

    public static JsonObject Batch(GenerationPlan plan, JsonObject model, ImageOptions options)
    {
        var sdxl = model["base"]?.GetValue<string>() == "sdxl";
        var nodes = new JsonObject
        {
            ["model_loader"] = Node("model_loader", sdxl ? "sdxl_model_loader" : "main_model_loader", new() { ["model"] = model }),
            ["positive"] = Prompt("positive", plan.Prompt, plan, sdxl),
            ["negative"] = Prompt("negative", "", plan, sdxl),
            ["noise"] = Node("noise", "noise", new() { ["seed"] = plan.Seed, ["width"] = plan.Width, ["height"] = plan.Height, ["use_cpu"] = true }),
            ["denoise"] = Node("denoise", "denoise_latents", new()
            {
                ["steps"] = options.Steps,
                ["cfg_scale"] = options.CfgScale,
                ["scheduler"] = options.InvokeAIScheduler,
                ["denoising_start"] = 0.0,
                ["denoising_end"] = 1.0,
            }),
            [OutputNode] = Node(OutputNode, "l2i", new() { ["fp32"] = sdxl, ["is_intermediate"] = false }),
        };
        var edges = new JsonArray
        {
            Edge("model_loader", "unet", "denoise", "unet"),
            Edge("model_loader", "vae", OutputNode, "vae"),
            Edge("model_loader", "clip", "positive", "clip"),
            Edge("model_loader", "clip", "negative", "clip"),
            Edge("positive", "conditioning", "denoise", "positive_conditioning"),
            Edge("negative", "conditioning", "denoise", "negative_conditioning"),
            Edge("noise", "noise", "denoise", "noise"),
            Edge("denoise", "latents", OutputNode, "latents"),
        };
        if (sdxl)
        {
            edges.Add(Edge("model_loader", "clip2", "positive", "clip2"));
            edges.Add(Edge("model_loader", "clip2", "negative", "clip2"));
        }

        var seeds = new JsonArray();
        for (var i = 0; i < plan.Count; i++) seeds.Add((plan.Seed + i) % uint.MaxValue);
        return new JsonObject
        {
            ["batch"] = new JsonObject
            {
                ["graph"] = new JsonObject { ["id"] = "nexus_text_to_image", ["nodes"] = nodes, ["edges"] = edges },
                ["runs"] = 1,
                ["data"] = new JsonArray(new JsonArray(new JsonObject { ["node_path"] = "noise", ["field_name"] = "seed", ["items"] = seeds })),
                ["origin"] = "nexus",
            },
            ["prepend"] = false,
        };
    }

    private static JsonObject Prompt(string id, string text, GenerationPlan plan, bool sdxl) => sdxl
        ? Node(id, "sdxl_compel_prompt", new()
        {
            ["prompt"] = text,
            ["style"] = text,
            ["original_width"] = plan.Width,
            ["original_height"] = plan.Height,
            ["crop_top"] = 0,
            ["crop_left"] = 0,
            ["target_width"] = plan.Width,
            ["target_height"] = plan.Height,
        })
        : Node(id, "compel", new() { ["prompt"] = text });

    private static JsonObject Node(string id, string type, JsonObject fields)
    {
        fields["id"] = id;
        fields["type"] = type;
        return fields;
    }

    private static JsonObject Edge(string source, string sourceField, string destination, string destinationField) => new()
    {
        ["source"] = new JsonObject { ["node_id"] = source, ["field"] = sourceField },
        ["destination"] = new JsonObject { ["node_id"] = destination, ["field"] = destinationField },
    };
}
