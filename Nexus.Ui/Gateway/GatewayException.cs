using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexus.Ui.Gateway;

/// <summary>A call the gateway (or the service behind it) refused, with its status and its own message.</summary>
internal sealed class GatewayException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public static async Task<GatewayException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new GatewayException(response.StatusCode, MessageOf(text) ?? $"{(int)response.StatusCode} {response.ReasonPhrase}");
    }

    /// <summary>The words of an error body: OpenAI's <c>error.message</c>, problem details' <c>detail</c> (and field
    /// errors) or <c>title</c>, else the text itself.</summary>
    public static string? MessageOf(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try
        {
            if (JsonNode.Parse(text) is JsonObject body)
            {
                if (body["error"] is JsonObject openAi && openAi["message"] is JsonValue message) return message.ToString();
                var detail = body["detail"]?.ToString() ?? body["title"]?.ToString();
                if (body["errors"] is JsonObject errors)
                {
                    var fields = errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value?.AsArray().Select(v => v?.ToString()) ?? [])}");
                    return string.Join(" ", new[] { detail }.Concat(fields).Where(s => !string.IsNullOrEmpty(s)));
                }

                if (detail is not null) return detail;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the service's words are the text itself.
        }

        return text.Length > 2000 ? text[..2000] + "…" : text;
    }
}
