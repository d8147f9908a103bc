using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.Services.Image.Backends.ComfyUI;

namespace Nexus.Services.Image.Backends.InvokeAI;

/// <summary>
/// InvokeAI's HTTP API (<c>/api/v1</c>, <c>/api/v2</c>), one call at a time, each bounded by
/// <see cref="ImageOptions.RequestTimeout"/>. Transport failures and timeouts become
/// <see cref="BackendUnavailableException"/>; error answers (a graph InvokeAI refuses: 422) become <see cref="BackendFailedException"/>.
/// </summary>
internal sealed class InvokeAIClient(IHttpClientFactory http, IOptions<ImageOptions> options)
{
    public const string HttpClientName = "invokeai";

    public Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var response = await client.GetAsync(uri, token);
            await EnsureSuccessAsync(response, path, token);
            return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
        }, cancellationToken);

    public Task<JsonNode?> SendJsonAsync(HttpMethod method, string path, JsonObject body, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var request = new HttpRequestMessage(method, uri) { Content = JsonContent.Create(body) };
            using var response = await client.SendAsync(request, token);
            await EnsureSuccessAsync(response, path, token);
            return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
        }, cancellationToken);

    /// <summary><c>GET /api/v1/images/i/{name}/full</c>: the image's bytes, which must be a PNG since that is what we answer with.</summary>
    public Task<byte[]> GetImageAsync(string name, CancellationToken cancellationToken)
    {
        var path = $"api/v1/images/i/{Uri.EscapeDataString(name)}/full";
        return CallAsync(path, async (client, uri, token) =>
        {
            using var response = await client.GetAsync(uri, token);
            await EnsureSuccessAsync(response, path, token);
            var bytes = await response.Content.ReadAsByteArrayAsync(token);
            if (!bytes.AsSpan().StartsWith(PngSignature)) throw new BackendFailedException($"InvokeAI's image {name} is not a PNG.");
            return bytes;
        }, cancellationToken);
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private async Task<T> CallAsync<T>(string path, Func<HttpClient, Uri, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var baseUrl = options.Value.InvokeAIUrl ?? throw new BackendUnavailableException("No InvokeAI server is configured (Image:InvokeAIUrl).");
        var uri = new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            return await call(http.CreateClient(HttpClientName), uri, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendUnavailableException($"InvokeAI at {baseUrl} is unreachable: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackendUnavailableException($"InvokeAI did not answer /{Route(path)} within {options.Value.RequestTimeout.TotalSeconds:0.#} s.");
        }
        catch (JsonException ex)
        {
            throw new BackendFailedException($"InvokeAI answered /{Route(path)} with something other than JSON: {ex.Message}");
        }
    }

    private static string Route(string path) => path.Split('?')[0];

    // FastAPI's errors: {"detail": "text"}, or for a body it refuses (422) {"detail": [{"loc": [...], "msg": "..."}]}.
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
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

        detail ??= body.Length > 300 ? body[..300] + "…" : body;
        var what = response.StatusCode == HttpStatusCode.UnprocessableEntity ? "refused" : $"answered {(int)response.StatusCode} to";
        throw new BackendFailedException($"InvokeAI {what} /{Route(path)}: {detail}");
    }
}
