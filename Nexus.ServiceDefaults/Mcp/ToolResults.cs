using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>A function's HTTP answer as an MCP tool result, the same on a service's own <c>/mcp</c> and the gateway's.</summary>
public static class ToolResults
{
    /// <summary>A tool error: <c>isError</c> with the message as text, which the calling model gets to read.</summary>
    public static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    /// <summary>
    /// JSON as <c>structuredContent</c> (when an object) plus its text (OpenAI's image answer: its images as MCP image
    /// content instead of the text), audio and images as MCP audio/image content
    /// with their MIME type, other text as text; a failure status as a tool error carrying the service's own message.
    /// </summary>
    public static CallToolResult FromResponse(string function, int status, string? mediaType, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        mediaType ??= "application/octet-stream";
        if (status is < 200 or >= 300) return Error($"{function} failed with HTTP {status}: {ErrorMessage(body, mediaType)}");

        if (IsJson(mediaType))
        {
            var text = Encoding.UTF8.GetString(body);
            JsonNode? json;
            try { json = JsonNode.Parse(text); }
            catch (JsonException) { json = null; }

            // MCP's structuredContent is an object; any other JSON value stays text only. Images go as image content
            // in place of their text (a second copy of the base64 would only weigh on the client).
            return new CallToolResult
            {
                Content = (json is JsonObject answer ? ImageResults.From(answer) : null) ?? [new TextContentBlock { Text = text }],
                StructuredContent = json is JsonObject ? JsonSerializer.SerializeToElement(json) : null,
            };
        }

        if (mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)) return new CallToolResult { Content = [AudioContentBlock.FromBytes(body, mediaType)] };
        if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase)) return new CallToolResult { Content = [ImageContentBlock.FromBytes(body, mediaType)] };
        if (mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)) return new CallToolResult { Content = [new TextContentBlock { Text = Encoding.UTF8.GetString(body) }] };

        return Error($"{function} answered {mediaType}, which an MCP tool result cannot carry; call its HTTP endpoint instead.");
    }

    /// <summary>The service's own message: problem details' <c>detail</c> (or <c>title</c>), OpenAI's <c>error.message</c>, else the body.</summary>
    private static string ErrorMessage(byte[] body, string mediaType)
    {
        var text = Encoding.UTF8.GetString(body);
        if (IsJson(mediaType))
        {
            try
            {
                if (JsonNode.Parse(text) is JsonObject error)
                {
                    var message = Text(error["error"]?["message"]) ?? Text(error["detail"]) ?? Text(error["title"]);
                    // A validation problem lists its fields under "errors": field -> messages.
                    var fields = error["errors"] is JsonObject errors
                        ? errors.Select(e => $"{e.Key}: {string.Join(" ", (e.Value as JsonArray ?? []).Select(Text).OfType<string>())}")
                        : [];
                    if (message is not null) return string.Join("; ", fields.Prepend(message));
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: the raw body is the message.
            }
        }

        return text.Length == 0 ? "no message" : text.Length > 2000 ? text[..2000] : text;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
}
