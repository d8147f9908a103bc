using System.Text.Json.Nodes;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>An image ComfyUI saved, as <c>/view</c> wants it named.</summary>
internal sealed record ComfyUIImage(string Filename, string Subfolder, string Type);

/// <summary>Reads <c>GET /history/{prompt_id}</c>: <c>{}</c> until the prompt ends, then its outputs and status.</summary>
internal static class ComfyUIHistory
{
    /// <summary>Null while the prompt is pending or running; its images once it succeeded; throws when it failed.</summary>
    public static IReadOnlyList<ComfyUIImage>? Read(JsonNode? history, string promptId)
    {
        if (history.Field(promptId) is not JsonObject entry) return null;
        var status = entry["status"];
        if (status.Field("status_str").Text() == "error") throw new BackendFailedException(Failure(status.Field("messages")));
        // Servers from before the status field was added record only outputs, and only once done.
        if (status is not null && status.Field("completed").Flag() != true) throw new BackendFailedException("ComfyUI ended the prompt without completing it.");

        var images = (entry["outputs"] as JsonObject ?? [])
            .SelectMany(output => output.Value.Field("images") as JsonArray ?? [])
            .Select(i => i.Field("filename").Text() is { } name ? new ComfyUIImage(name, i.Field("subfolder").Text() ?? "", i.Field("type").Text() ?? "output") : null)
            .OfType<ComfyUIImage>()
            .ToList();
        // SaveImage writes type "output"; previews ("temp") in the same graph are not the answer.
        var saved = images.Where(i => i.Type == "output").ToList();
        return saved.Count > 0 ? saved : images;
    }

    /// <summary>The engine's own words from <c>status.messages</c>: <c>[["execution_error", {...}], ...]</c>.</summary>
    private static string Failure(JsonNode? messages)
    {
        foreach (var message in messages as JsonArray ?? [])
        {
            var data = message.At(1);
            var where = $"node {data.Field("node_id").Text() ?? "?"} ({data.Field("node_type").Text() ?? "unknown type"})";
            switch (message.At(0).Text())
            {
                case "execution_error":
                    return $"ComfyUI failed the prompt at {where}: {data.Field("exception_type").Text()}: {data.Field("exception_message").Text()?.Trim()}";
                case "execution_interrupted":
                    return $"ComfyUI's prompt was interrupted at {where}.";
            }
        }

        return "ComfyUI reported the prompt as failed without saying why.";
    }
}
