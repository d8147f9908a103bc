using System.Text.Json.Serialization;

namespace Nexus.Services.Inference.Ollama;

/// <summary>
/// One line of Ollama's <c>POST /api/pull</c> stream: <c>{"status":"pulling manifest"}</c>,
/// <c>{"status":"pulling 8934d96d3f08","digest":"sha256:…","total":N,"completed":M}</c>, <c>{"status":"success"}</c>,
/// or <c>{"error":"…"}</c> when the pull fails after the stream began.
/// </summary>
internal sealed record OllamaPullProgress
{
    public const string PullingManifest = "pulling manifest";
    public const string Success = "success";

    [JsonPropertyName("status")]
    public string? Status { get; init; }

    [JsonPropertyName("digest")]
    public string? Digest { get; init; }

    [JsonPropertyName("total")]
    public long? Total { get; init; }

    [JsonPropertyName("completed")]
    public long? Completed { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }
}
