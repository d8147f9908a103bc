using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>
/// ComfyUI's HTTP API, one call at a time, each bounded by <see cref="ImageOptions.RequestTimeout"/>. Transport failures
/// and timeouts become <see cref="BackendUnavailableException"/>; answers that are errors become <see cref="BackendFailedException"/>.
/// </summary>
internal sealed class ComfyUIClient(IHttpClientFactory http, IOptions<ImageOptions> options)
{
    public const string HttpClientName = "comfyui";

    public Task<JsonNode?> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var response = await client.GetAsync(uri, token);
            await EnsureSuccessAsync(response, path, token);
            return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
        }, cancellationToken);

    /// <summary><c>POST /prompt</c>: queues the graph and returns its prompt id, or throws with the nodes ComfyUI rejected.</summary>
    public Task<string> QueuePromptAsync(JsonObject graph, string clientId, CancellationToken cancellationToken) =>
        CallAsync("prompt", async (client, uri, token) =>
        {
            using var response = await client.PostAsJsonAsync(uri, new JsonObject { ["prompt"] = graph, ["client_id"] = clientId }, token);
            if (response.StatusCode == HttpStatusCode.BadRequest)
            {
                throw new BackendFailedException(ComfyUIRejection.Describe(await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token)));
            }

            await EnsureSuccessAsync(response, "prompt", token);
            var body = await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(token), cancellationToken: token);
            return body.Field("prompt_id").Text() ?? throw new BackendFailedException("ComfyUI accepted the prompt but answered without a prompt_id.");
        }, cancellationToken);

    public Task PostAsync(string path, JsonObject body, CancellationToken cancellationToken) =>
        CallAsync(path, async (client, uri, token) =>
        {
            using var response = await client.PostAsJsonAsync(uri, body, token);
            await EnsureSuccessAsync(response, path, token);
            return true;
        }, cancellationToken);

    /// <summary><c>GET /view</c>: the bytes of a saved image, which must be a PNG since that is what we answer with.</summary>
    public Task<byte[]> GetImageAsync(ComfyUIImage image, CancellationToken cancellationToken)
    {
        var path = $"view?filename={Uri.EscapeDataString(image.Filename)}&subfolder={Uri.EscapeDataString(image.Subfolder)}&type={Uri.EscapeDataString(image.Type)}";
        return CallAsync("view", async (client, uri, token) =>
        {
            using var response = await client.GetAsync(uri, token);
            await EnsureSuccessAsync(response, "view", token);
            var bytes = await response.Content.ReadAsByteArrayAsync(token);
            if (!bytes.AsSpan().StartsWith(PngSignature)) throw new BackendFailedException($"ComfyUI's image {image.Filename} is not a PNG; end the workflow in SaveImage.");
            return bytes;
        }, cancellationToken, path);
    }

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private async Task<T> CallAsync<T>(string name, Func<HttpClient, Uri, CancellationToken, Task<T>> call, CancellationToken cancellationToken, string? pathAndQuery = null)
    {
        var baseUrl = options.Value.ComfyUIUrl ?? throw new BackendUnavailableException("No ComfyUI server is configured (Image:ComfyUIUrl).");
        var uri = new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), pathAndQuery ?? name);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            return await call(http.CreateClient(HttpClientName), uri, timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new BackendUnavailableException($"ComfyUI at {baseUrl} is unreachable: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackendUnavailableException($"ComfyUI did not answer /{name} within {options.Value.RequestTimeout.TotalSeconds:0.#} s.");
        }
        catch (JsonException ex)
        {
            throw new BackendFailedException($"ComfyUI answered /{name} with something other than JSON: {ex.Message}");
        }
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string name, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var excerpt = body.Length > 300 ? body[..300] + "…" : body;
        throw new BackendFailedException($"ComfyUI answered {(int)response.StatusCode} to /{name}: {excerpt}");
    }
}
