using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Tests.ComfyUI;

/// <summary>
/// The core nodes of a txt2img graph and ComfyUI's validation of a queued prompt (execution.py's validate_prompt):
/// known class types, an output node, required inputs, links to existing nodes of the right type, and combo values
/// (checkpoints, samplers, schedulers) from the server's lists. Errors take ComfyUI's shapes.
/// </summary>
internal static class FakeComfyUINodes
{
    public static readonly string[] Samplers = ["euler", "euler_ancestral", "dpmpp_2m"];
    public static readonly string[] Schedulers = ["normal", "karras", "simple"];

    private sealed record NodeType(Dictionary<string, string> Inputs, string[] Outputs, bool IsOutput = false);

    private static readonly Dictionary<string, NodeType> Types = new()
    {
        ["CheckpointLoaderSimple"] = new(new() { ["ckpt_name"] = "COMBO:ckpt" }, ["MODEL", "CLIP", "VAE"]),
        ["CLIPTextEncode"] = new(new() { ["text"] = "STRING", ["clip"] = "CLIP" }, ["CONDITIONING"]),
        ["EmptyLatentImage"] = new(new() { ["width"] = "INT", ["height"] = "INT", ["batch_size"] = "INT" }, ["LATENT"]),
        ["KSampler"] = new(
            new()
            {
                ["model"] = "MODEL", ["seed"] = "INT", ["steps"] = "INT", ["cfg"] = "FLOAT", ["sampler_name"] = "COMBO:sampler",
                ["scheduler"] = "COMBO:scheduler", ["positive"] = "CONDITIONING", ["negative"] = "CONDITIONING", ["latent_image"] = "LATENT", ["denoise"] = "FLOAT",
            },
            ["LATENT"]),
        ["VAEDecode"] = new(new() { ["samples"] = "LATENT", ["vae"] = "VAE" }, ["IMAGE"]),
        ["SaveImage"] = new(new() { ["images"] = "IMAGE", ["filename_prefix"] = "STRING" }, [], IsOutput: true),
    };

    /// <summary>Null when the prompt is valid; otherwise the 400 body ComfyUI answers.</summary>
    public static JsonObject? Validate(JsonObject prompt, IReadOnlyCollection<string> checkpoints)
    {
        foreach (var (id, node) in prompt)
        {
            var classType = node?["class_type"]?.GetValue<string>();
            if (classType is null) return Rejection("invalid_prompt", "Cannot execute because a node is missing the class_type property.", $"Node ID '#{id}'");
            if (!Types.ContainsKey(classType)) return Rejection("missing_node_type", $"Node '{classType}' not found. The custom node may not be installed.", $"Node ID '#{id}'");
        }

        var outputs = prompt.Where(n => Types[n.Value!["class_type"]!.GetValue<string>()].IsOutput).Select(n => n.Key).ToList();
        if (outputs.Count == 0) return Rejection("prompt_no_outputs", "Prompt has no outputs", "");

        var nodeErrors = new JsonObject();
        foreach (var (id, node) in prompt)
        {
            var classType = node!["class_type"]!.GetValue<string>();
            var errors = InputErrors(prompt, Types[classType], node["inputs"] as JsonObject ?? [], checkpoints);
            if (errors.Count > 0) nodeErrors[id] = new JsonObject { ["errors"] = errors, ["dependent_outputs"] = new JsonArray(outputs.Select(o => (JsonNode)o).ToArray()), ["class_type"] = classType };
        }

        if (nodeErrors.Count == 0) return null;
        var rejection = Rejection("prompt_outputs_failed_validation", "Prompt outputs failed validation", "");
        rejection["node_errors"] = nodeErrors;
        return rejection;
    }

    private static JsonArray InputErrors(JsonObject prompt, NodeType type, JsonObject inputs, IReadOnlyCollection<string> checkpoints)
    {
        var errors = new JsonArray();
        foreach (var (name, expected) in type.Inputs)
        {
            var value = inputs[name];
            if (value is null)
            {
                errors.Add(Error("required_input_missing", "Required input is missing", name));
            }
            else if (value is JsonArray link)
            {
                var target = link.Count == 2 ? link[0]?.GetValue<string>() : null;
                if (target is null || prompt[target] is not JsonObject source)
                {
                    // ComfyUI looks the linked node up unguarded; a dangling link surfaces as the KeyError's text.
                    errors.Add(Error("exception_during_validation", "Exception when validating node", $"'{target}'"));
                    continue;
                }

                var outputs = Types[source["class_type"]!.GetValue<string>()].Outputs;
                var slot = link[1]!.GetValue<int>();
                var received = slot < outputs.Length ? outputs[slot] : "?";
                if (received != expected) errors.Add(Error("return_type_mismatch", "Return type mismatch between linked nodes", $"{name}, {received} != {expected}"));
            }
            else if (expected.StartsWith("COMBO:", StringComparison.Ordinal))
            {
                IReadOnlyCollection<string> choices = expected switch { "COMBO:ckpt" => checkpoints, "COMBO:sampler" => Samplers, _ => Schedulers };
                var text = value.GetValue<string>();
                if (!choices.Contains(text)) errors.Add(Error("value_not_in_list", "Value not in list", $"{name}: '{text}' not in [{string.Join(", ", choices.Select(c => $"'{c}'"))}]"));
            }
        }

        return errors;
    }

    private static JsonObject Error(string type, string message, string details) =>
        new() { ["type"] = type, ["message"] = message, ["details"] = details, ["extra_info"] = new JsonObject() };

    private static JsonObject Rejection(string type, string message, string details) =>
        new() { ["error"] = Error(type, message, details), ["node_errors"] = new JsonObject() };
}
