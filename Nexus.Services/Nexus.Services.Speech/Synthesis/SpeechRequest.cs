using System.ComponentModel;
using System.Text.Json.Serialization;

namespace Nexus.Services.Speech.Synthesis;

/// <summary>OpenAI's <c>/v1/audio/speech</c> request.</summary>
public sealed record SpeechRequest
{
    /// <summary>The speech model: tts-1, tts-1-hd or espeak-ng (all espeak-ng here).</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>The text to speak, at most 4096 characters.</summary>
    [JsonPropertyName("input")]
    public string? Input { get; init; }

    /// <summary>An OpenAI voice (alloy, echo, fable, onyx, nova, shimmer, ...) or an espeak-ng voice such as en-us+m3.</summary>
    [JsonPropertyName("voice")]
    public string? Voice { get; init; }

    /// <summary>Speaking speed from 0.25 to 4.0; 1.0 is normal.</summary>
    [JsonPropertyName("speed")]
    [DefaultValue(1.0)]
    public double? Speed { get; init; }

    /// <summary>wav or pcm always; mp3, opus, flac or aac when ffmpeg is installed.</summary>
    [JsonPropertyName("response_format")]
    [DefaultValue("mp3")]
    public string? ResponseFormat { get; init; }
}
