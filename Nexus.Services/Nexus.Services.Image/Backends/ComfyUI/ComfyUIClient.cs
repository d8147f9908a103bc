using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Image.Backends.ComfyUI;

/// <summary>ComfyUI's HTTP API (see <see cref="BackendHttpClient"/> for its bounds and failures).</summary>
internal sealed class ComfyUIClient(IHttpClientFactory http, IOptions<ImageOptions> options)
    : BackendHttpClient(http, HttpClientName, "ComfyUI", "Image:ComfyUIUrl", () => options.Value.ComfyUIUrl, () => options.Value.RequestTimeout)
{
    public const string HttpClientName = "comfyui";

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

    /// <summary><c>GET /view</c>: the bytes of a saved image.</summary>
    public Task<byte[]> GetImageAsync(ComfyUIImage image, CancellationToken cancellationToken) =>
        GetPngAsync($"view?filename={Uri.EscapeDataString(image.Filename)}&subfolder={Uri.EscapeDataString(image.Subfolder)}&type={Uri.EscapeDataString(image.Type)}",
            $"ComfyUI's image {image.Filename} is not a PNG; end the workflow in SaveImage.", cancellationToken);
}
