using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>Reads the checkpoint list out of <c>GET /object_info/CheckpointLoaderSimple</c>.</summary>
internal static class ComfyUIObjectInfo
{
    /// <summary>
    /// The choices of <c>input.required.ckpt_name</c>: <c>[["a.safetensors", ...], {...}]</c>, or on newer servers
    /// <c>["COMBO", {"options": [...]}]</c>. Null when the node is unknown to the server.
    /// </summary>
    public static IReadOnlyList<string>? CheckpointNames(JsonNode? info)
    {
        var input = info.Field("CheckpointLoaderSimple").Field("input").Field("required").Field("ckpt_name");
        if (input is null) return null;
        var choices = input.At(0) as JsonArray ?? (input.At(0).Text() == "COMBO" ? input.At(1).Field("options") as JsonArray : null);
        return choices?.Select(c => c.Text()).OfType<string>().ToList() ?? [];
    }
}
