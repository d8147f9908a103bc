using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.Services.Image.Backends.ComfyUI;

namespace Nexus.Services.Image.Backends.InvokeAI;

/// <summary>
/// InvokeAI's HTTP API (<c>/api/v1</c>, <c>/api/v2</c>; see <see cref="BackendHttpClient"/> for its bounds and failures),
/// with FastAPI's error bodies read into the message (a graph InvokeAI refuses: 422).
/// </summary>
internal sealed class InvokeAIClient(IHttpClientFactory http, IOptions<ImageOptions> options)
    : BackendHttpClient(http, HttpClientName, "InvokeAI", "Image:InvokeAIUrl", () => options.Value.InvokeAIUrl, () => options.Value.RequestTimeout)
{
    public const string HttpClientName = "invokeai";

    /// <summary><c>GET /api/v1/images/i/{name}/full</c>: the image's bytes.</summary>
    public Task<byte[]> GetImageAsync(string name, CancellationToken cancellationToken) =>
        GetPngAsync($"api/v1/images/i/{Uri.EscapeDataString(name)}/full", $"InvokeAI's image {name} is not a PNG.", cancellationToken);

    // FastAPI's errors: {"detail": "text"}, or for a body it refuses (422) {"detail": [{"loc": [...], "msg": "..."}]}.
    protected override string DescribeError(HttpResponseMessage response, string route, string body)
    {
        string? detail = null;
        try
        {
            var parsed = JsonNode.Parse(body).Field("detail");
            detail = parsed.Text() ?? (parsed is JsonArray errors
                ? string.Join("; ", errors.Select(e => $"{string.Join('.', (e.Field("loc") as JsonArray ?? []).Select(l => l?.ToString()))}: {e.Field("msg").Text()}"))
                : null);
        }
        catch (JsonException)
        {
            // Not FastAPI's error body: the excerpt below says what it was.
        }

        var what = response.StatusCode == HttpStatusCode.UnprocessableEntity ? "refused" : $"answered {(int)response.StatusCode} to";
        return $"{Product} {what} /{route}: {detail ?? Excerpt(body)}";
    }
}
