using System.Text.Json.Nodes;
using Nexus.Services.Image.Backends.ComfyUI;

namespace Nexus.Services.Image.Backends.InvokeAI;

/// <summary>Reads InvokeAI's batch status and queue items (<c>SessionQueueItem</c>): whether they ended, how, and the image made.</summary>
internal static class InvokeAIQueueItem
{
    /// <summary>Whether every item of the batch has ended (<c>pending</c> and <c>in_progress</c> both 0).</summary>
    public static bool BatchEnded(JsonNode? status) =>
        Count(status, "pending") == 0 && Count(status, "in_progress") == 0 && Count(status, "total") > 0;

    /// <summary>Why the item did not complete, or null when it did.</summary>
    public static string? Failure(JsonNode? item) => item.Field("status").Text() switch
    {
        "completed" => null,
        "failed" => $"InvokeAI failed the job: {item.Field("error_type").Text() ?? "error"}: {item.Field("error_message").Text() ?? "no message"}",
        "canceled" => "InvokeAI's job was canceled.",
        var other => $"InvokeAI's job ended as '{other}'.",
    };

    /// <summary>
    /// The image the output node made: the session's results are keyed by the prepared (executed) node ids, which
    /// <c>source_prepared_mapping</c> ties back to the node of the graph that was sent.
    /// </summary>
    public static string? ImageName(JsonNode? item, string node)
    {
        var session = item.Field("session");
        var results = session.Field("results") as JsonObject;
        foreach (var prepared in session.Field("source_prepared_mapping").Field(node) as JsonArray ?? [])
        {
            if (prepared.Text() is { } id && results?[id].Field("image").Field("image_name").Text() is { } name) return name;
        }

        return null;
    }

    private static int Count(JsonNode? status, string field) =>
        status.Field(field) is JsonValue value && value.TryGetValue<int>(out var count) ? count : -1;
}
