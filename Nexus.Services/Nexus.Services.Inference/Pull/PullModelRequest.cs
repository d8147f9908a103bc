using System.Text.Json.Serialization;

namespace Nexus.Services.Inference.Pull;

/// <summary>A request to download a model onto an Ollama upstream.</summary>
public sealed record PullModelRequest
{
    /// <summary>The model as Ollama names it: qwen3:0.6b, llama3.2 (tag latest), namespace/model:tag or registry.example.com/namespace/model:tag.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>The name of the Ollama upstream to pull onto; optional when exactly one Ollama upstream is configured.</summary>
    [JsonPropertyName("upstream")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Upstream { get; init; }
}
