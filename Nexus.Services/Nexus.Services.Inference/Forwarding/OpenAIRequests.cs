using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Nexus.Services.Inference.Forwarding;

/// <summary>
/// The fields of OpenAI's requests this service reads (to route) or a form needs; every other field is passed to
/// the upstream untouched, because the body is forwarded as it came.
/// </summary>
public sealed record ChatRequest
{
    /// <summary>The model id from /v1/models; a name without a tag (llama3.2) also finds its :latest.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>The conversation: objects with role (system, user, assistant, tool) and content.</summary>
    [JsonPropertyName("messages")]
    public required JsonArray Messages { get; init; }

    /// <summary>Stream the answer as server-sent events.</summary>
    [JsonPropertyName("stream")]
    [DefaultValue(false)]
    public bool? Stream { get; init; }

    /// <summary>Largest number of tokens to generate.</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    /// <summary>Tools the model may call (OpenAI's function tools).</summary>
    [JsonPropertyName("tools")]
    public JsonArray? Tools { get; init; }
}

/// <summary>OpenAI's legacy completion request.</summary>
public sealed record CompletionRequest
{
    /// <summary>The model id from /v1/models; a name without a tag (llama3.2) also finds its :latest.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>The text to continue.</summary>
    [JsonPropertyName("prompt")]
    public required string Prompt { get; init; }

    /// <summary>Largest number of tokens to generate.</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; init; }

    /// <summary>Stream the answer as server-sent events.</summary>
    [JsonPropertyName("stream")]
    public bool? Stream { get; init; }
}

/// <summary>OpenAI's embedding request.</summary>
public sealed record EmbeddingRequest
{
    /// <summary>The embedding model id from /v1/models; a name without a tag also finds its :latest.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>A string or an array of strings to embed.</summary>
    [JsonPropertyName("input")]
    public required JsonNode Input { get; init; }
}
