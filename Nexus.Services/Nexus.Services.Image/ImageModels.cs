using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Nexus.Services.Image;

/// <summary>OpenAI's <c>/v1/images/generations</c> request.</summary>
public sealed record ImageRequest
{
    /// <summary>What to draw.</summary>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    /// <summary>An Automatic1111 checkpoint from /v1/models, or procedural-dev.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>How many images, 1 to 4.</summary>
    [JsonPropertyName("n")]
    [DefaultValue(1)]
    public int? N { get; init; }

    /// <summary>WIDTHxHEIGHT, each 64 to 2048 and a multiple of 8.</summary>
    [JsonPropertyName("size")]
    [DefaultValue("1024x1024")]
    public string? Size { get; init; }

    /// <summary>b64_json (the image in the answer) or url (a link served by this service).</summary>
    [JsonPropertyName("response_format")]
    [DefaultValue("b64_json")]
    public string? ResponseFormat { get; init; }
}

/// <summary>OpenAI's image response.</summary>
public sealed record ImageResponse(
    [property: JsonPropertyName("created")] long Created,
    [property: JsonPropertyName("data")] IReadOnlyList<ImageData> Data);

/// <summary>One image, inline or by URL.</summary>
public sealed record ImageData(
    [property: JsonPropertyName("b64_json"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? B64Json,
    [property: JsonPropertyName("url"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Url,
    [property: JsonPropertyName("revised_prompt")] string RevisedPrompt);

/// <summary>A validated generation job.</summary>
internal sealed record GenerationPlan(string Prompt, string Model, int Count, int Width, int Height);

/// <summary>Something that turns a plan into PNG images.</summary>
internal interface IImageBackend
{
    Task<IReadOnlyList<byte[]>> GenerateAsync(GenerationPlan plan, CancellationToken cancellationToken);
}

/// <summary>The backend is missing or failed: a 503 that says which and why.</summary>
internal sealed class BackendUnavailableException(string message) : Exception(message);
