using System.Text.Json;
using Nexus.Contract;
using Nexus.Services.Inference.Catalog;
using OllamaSharp;
using OllamaSharp.Models;
using OllamaSharp.Models.Exceptions;

namespace Nexus.Services.Inference.Ollama;

/// <summary>
/// An Ollama upstream's models from its native API: the local models (<c>/api/tags</c>), and for each its context length
/// and capabilities (<c>/api/show</c>), which Ollama's OpenAI-compatible <c>/v1/models</c> does not report.
/// </summary>
internal sealed class OllamaCatalog(OllamaClients clients)
{
    public async Task<List<ModelDescriptor>> ListAsync(UpstreamOptions upstream, CancellationToken cancellationToken)
    {
        using var ollama = clients.For(upstream);
        var models = new List<ModelDescriptor>();
        // OllamaSharp hands out what the JSON held: no "models" is null, an entry without a name has none.
        foreach (var model in await ollama.ListLocalModelsAsync(cancellationToken) ?? [])
        {
            if (string.IsNullOrEmpty(model?.Name)) continue;
            var show = await ShowAsync(ollama, model.Name, cancellationToken);
            var capabilities = show?.Capabilities;
            models.Add(new ModelDescriptor
            {
                Id = model.Name,
                OwnedBy = OllamaModelNames.Namespace(model.Name),
                InputModalities = capabilities?.Contains("vision") == true ? ["text", "image"] : ["text"],
                // An Ollama too old to report capabilities leaves its embedding models to be known by name.
                OutputModalities = (capabilities?.Contains("embedding") ?? ModelKinds.IsEmbeddingName(model.Name)) ? ["embedding"] : ["text"],
                ContextLength = ContextLength(show),
                Labels = upstream.Labels,
            });
        }

        return models;
    }

    /// <summary>
    /// A model removed between the listing and this call (Ollama answers 404), or one Ollama cannot describe (400), is
    /// still listed, without the details; an Ollama that stops answering fails the whole listing.
    /// </summary>
    private static async Task<ShowModelResponse?> ShowAsync(OllamaApiClient ollama, string model, CancellationToken cancellationToken)
    {
        try
        {
            return await ollama.ShowModelAsync(new ShowModelRequest { Model = model }, cancellationToken);
        }
        catch (Exception ex) when (ex is OllamaException or HttpRequestException { StatusCode: not null })
        {
            return null;
        }
    }

    /// <summary>Ollama reports it as <c>model_info["{architecture}.context_length"]</c>.</summary>
    private static int? ContextLength(ShowModelResponse? show)
    {
        foreach (var (key, value) in show?.Info?.ExtraInfo ?? new Dictionary<string, object>())
        {
            if (key.EndsWith(".context_length", StringComparison.Ordinal) && value is JsonElement { ValueKind: JsonValueKind.Number } length && length.TryGetInt32(out var tokens))
            {
                return tokens;
            }
        }

        return null;
    }
}
