using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>Lenient reads of ComfyUI's JSON: a field of an unexpected kind reads as absent instead of throwing.</summary>
internal static class ComfyUIJson
{
    public static JsonNode? Field(this JsonNode? node, string name) => node is JsonObject o ? o[name] : null;

    public static JsonNode? At(this JsonNode? node, int index) => node is JsonArray a && index < a.Count ? a[index] : null;

    public static string? Text(this JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool? Flag(this JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;
}
