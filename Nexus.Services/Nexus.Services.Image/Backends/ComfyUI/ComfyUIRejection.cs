using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>
/// Words for a <c>POST /prompt</c> 400: <c>{"error": {"type","message","details"}, "node_errors": {id: {"class_type",
/// "errors": [{"message","details"}]}}}</c>; older servers send <c>error</c> as a plain string.
/// </summary>
internal static class ComfyUIRejection
{
    public static string Describe(JsonNode? body)
    {
        var error = body.Field("error");
        var summary = error.Text() ?? Join(error.Field("message").Text(), error.Field("details").Text()) ?? "the workflow is invalid";
        var nodes = (body.Field("node_errors") as JsonObject ?? [])
            .Select(node => $"node {node.Key} ({node.Value.Field("class_type").Text() ?? "unknown type"}): " +
                string.Join("; ", (node.Value.Field("errors") as JsonArray ?? []).Select(e => Join(e.Field("message").Text(), e.Field("details").Text()))))
            .ToList();
        return nodes.Count == 0 ? $"ComfyUI refused the workflow: {summary}." : $"ComfyUI refused the workflow: {summary}: {string.Join(" | ", nodes)}.";
    }

    private static string? Join(string? message, string? details) =>
        string.IsNullOrEmpty(details) ? message : message is null ? details : $"{message} ({details})";
}
