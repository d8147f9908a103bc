using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Nexus.Services.Image;

/// <summary>OpenAI's <c>/v1/images/generations</c> request.</summary>
public sealed record ImageRequest
{
    /// <summary>What to draw.</summary>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    /// <summary>A model from /v1/models: an Automatic1111 checkpoint, a <c>comfyui/</c> checkpoint, or procedural-dev.</summary>
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

    /// <summary>Sampling seed (not in OpenAI's API); a random one per request when absent.</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get; init; }

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
