using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Services.Inference.Catalog;

/// <summary>An OpenAI-compatible upstream's models, from its <c>GET /v1/models</c>.</summary>
internal sealed class OpenAICatalog(IHttpClientFactory http)
{
    public async Task<List<ModelDescriptor>> ListAsync(UpstreamOptions upstream, CancellationToken cancellationToken)
    {
        using var request = Upstreams.Request(HttpMethod.Get, upstream, "v1/models");
        using var response = await http.CreateClient(Upstreams.HttpClientName).SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        var models = new List<ModelDescriptor>();
        // A server that answers something other than OpenAI's list contributes no models rather than an error.
        foreach (var entry in list?["data"] as JsonArray ?? [])
        {
            if (Text(entry?["id"]) is not { Length: > 0 } id) continue;
            models.Add(new ModelDescriptor
            {
                Id = id,
                OwnedBy = Text(entry!["owned_by"]) ?? upstream.Name,
                InputModalities = ["text"],
                OutputModalities = [ModelKinds.IsEmbeddingName(id) ? "embedding" : "text"],
                Labels = upstream.Labels,
            });
        }

        return models;
    }

    /// <summary>A string field, or null when the server sent something else there.</summary>
    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
