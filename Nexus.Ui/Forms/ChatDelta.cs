using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexus.Ui.Forms;

/// <summary>Reads the text of one streamed chat or completion chunk (OpenAI's <c>choices[0].delta.content</c> or <c>.text</c>).</summary>
internal static class ChatDelta
{
    public static string? Of(string data)
    {
        if (data.Length == 0 || data[0] != '{') return null;
        try
        {
            // The usage-only chunk has an empty "choices".
            if (JsonNode.Parse(data)?["choices"] is not JsonArray { Count: > 0 } choices) return null;
            var choice = choices[0];
            return choice?["delta"]?["content"]?.ToString() ?? choice?["text"]?.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The usage object of the stream's last chunk, when the upstream sent one.</summary>
    public static JsonObject? UsageOf(string data)
    {
        if (data.Length == 0 || data[0] != '{') return null;
        try
        {
            return JsonNode.Parse(data)?["usage"] as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
