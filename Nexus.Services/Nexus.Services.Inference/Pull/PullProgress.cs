using System.Text.Json.Serialization;

namespace Nexus.Services.Inference.Pull;

/// <summary>
/// One line of the pull's NDJSON stream. <c>status</c> is Ollama's (<c>pulling manifest</c>, <c>pulling &lt;digest&gt;</c>,
/// <c>verifying sha256 digest</c>, <c>writing manifest</c>, <c>success</c>), or <c>error</c> with the reason in <c>error</c>.
/// The stream always ends with a <c>success</c> or an <c>error</c> line.
/// </summary>
public sealed record PullProgress
{
    public const string ErrorStatus = "error";

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>The layer being downloaded.</summary>
    [JsonPropertyName("digest")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Digest { get; init; }

    /// <summary>The layer's size in bytes.</summary>
    [JsonPropertyName("total")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Total { get; init; }

    /// <summary>Bytes of the layer downloaded so far.</summary>
    [JsonPropertyName("completed")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Completed { get; init; }

    /// <summary>Why the pull failed, on the <c>error</c> line.</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>The model pulled, on the <c>success</c> line.</summary>
    [JsonPropertyName("model")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; init; }

    /// <summary>The upstream it was pulled onto, on the <c>success</c> line.</summary>
    [JsonPropertyName("upstream")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Upstream { get; init; }
}
