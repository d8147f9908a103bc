using System.Text.Json.Serialization;

namespace Nexus.Contract;

/// <summary>A model a service serves: what the gateway routes by and what <c>/v1/models</c> lists.</summary>
public sealed record ModelDescriptor
{
    /// <summary>The model id clients put in the <c>model</c> field.</summary>
    public required string Id { get; init; }

    /// <summary>Who publishes the model (OpenAI's <c>owned_by</c>).</summary>
    public string OwnedBy { get; init; } = "nexus";

    /// <summary>Input modalities: <c>text</c>, <c>image</c>, <c>audio</c>.</summary>
    public IReadOnlyList<string> InputModalities { get; init; } = ["text"];

    /// <summary>Output modalities: <c>text</c>, <c>image</c>, <c>audio</c>, <c>embedding</c>.</summary>
    public IReadOnlyList<string> OutputModalities { get; init; } = ["text"];

    /// <summary>Context window in tokens, when known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ContextLength { get; init; }

    /// <summary>Routing labels such as <c>tier</c>; merged over the instance's labels when routing.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether the model can serve requests now.</summary>
    public bool Ready { get; init; } = true;

    /// <summary>Why the model is not ready (missing engine, not pulled, ...).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reason { get; init; }
}

/// <summary>Supplies a service's model catalog; ServiceDefaults calls it for every <c>/v1/metadata</c> request.</summary>
public interface IModelCatalog
{
    ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken);
}
