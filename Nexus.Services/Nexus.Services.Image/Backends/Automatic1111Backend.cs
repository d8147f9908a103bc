using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Image.Backends;

/// <summary>Automatic1111's HTTP API: <c>/sdapi/v1/txt2img</c> to generate, <c>/sdapi/v1/sd-models</c> for the catalog.</summary>
internal sealed class Automatic1111Backend(IHttpClientFactory http, IOptions<ImageOptions> options) : IImageBackend
{
    public const string HttpClientName = "automatic1111";

    public string Name => "automatic1111";

    // Its checkpoints keep their bare names, as they had before other engines joined the catalog.
    public string ModelPrefix => "";

    public bool IsConfigured => options.Value.Automatic1111Url is not null;

    public async Task<IReadOnlyList<ImageModel>> ModelsAsync(CancellationToken cancellationToken)
    {
        var models = await SendAsync<JsonArray>(HttpMethod.Get, "sdapi/v1/sd-models", null, cancellationToken);
        return models.Select(m => m?["model_name"]?.GetValue<string>()).OfType<string>()
            .Select(name => ImageModel.Checkpoint(this, name))
            .ToList();
    }

    public async Task<IReadOnlyList<byte[]>> GenerateAsync(GenerationPlan plan, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = plan.Prompt,
            ["width"] = plan.Width,
            ["height"] = plan.Height,
            ["batch_size"] = plan.Count,
            ["steps"] = options.Value.Steps,
            ["cfg_scale"] = options.Value.CfgScale,
            ["seed"] = plan.Seed,
            ["override_settings"] = new JsonObject { ["sd_model_checkpoint"] = plan.Model },
        };
        var result = await SendAsync<JsonObject>(HttpMethod.Post, "sdapi/v1/txt2img", body, cancellationToken);
        var images = result["images"]?.AsArray().Select(i => i?.GetValue<string>()).OfType<string>().Select(Convert.FromBase64String).ToList();
        if (images is null || images.Count == 0) throw new BackendUnavailableException("Automatic1111 answered without images.");
        return images.Take(plan.Count).ToList();
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken) where T : JsonNode
    {
        var baseUrl = options.Value.Automatic1111Url ?? throw new BackendUnavailableException("No Automatic1111 server is configured (Image:Automatic1111Url).");
        using var request = new HttpRequestMessage(method, new Uri(new Uri(baseUrl.TrimEnd('/') + "/"), path));
        if (body is not null) request.Content = JsonContent.Create(body);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.GenerationTimeout);
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) throw new BackendUnavailableException($"Automatic1111 answered {(int)response.StatusCode} to {path}.");
            return await response.Content.ReadFromJsonAsync<T>(timeout.Token) ?? throw new BackendUnavailableException($"Automatic1111 answered {path} with an empty body.");
        }
        catch (HttpRequestException ex)
        {
            throw new BackendUnavailableException($"Automatic1111 at {baseUrl} is unreachable: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackendUnavailableException($"Automatic1111 did not answer within {options.Value.GenerationTimeout.TotalSeconds:0} s.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new BackendUnavailableException($"Automatic1111 answered {path} with something other than JSON: {ex.Message}");
        }
    }
}
