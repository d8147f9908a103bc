using System.Text.Json.Serialization;

namespace Nexus.Services.Speech.Transcription;

/// <summary>OpenAI's <c>/v1/audio/transcriptions</c> form (multipart/form-data), described for the descriptor and the UI.</summary>
public sealed record TranscriptionForm
{
    /// <summary>The audio file: wav, mp3, ogg, flac, m4a or webm (anything ffmpeg reads), at most 25 MB.</summary>
    [JsonPropertyName("file")]
    public required string File { get; init; }

    /// <summary>pocketsphinx-en-us (local) or the upstream's model id (e.g. whisper-1) when one is configured.</summary>
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    /// <summary>json (default), text or verbose_json.</summary>
    [JsonPropertyName("response_format")]
    public string? ResponseFormat { get; init; }

    /// <summary>The language of the audio (ISO-639-1), passed to the upstream; the local engine knows English only.</summary>
    [JsonPropertyName("language")]
    public string? Language { get; init; }

    /// <summary>Text to guide the upstream model's style; ignored by the local engine.</summary>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }
}

/// <summary>A transcription in OpenAI's <c>verbose_json</c> shape; <c>json</c> keeps only <c>text</c>.</summary>
public sealed record Transcript(
    [property: JsonPropertyName("task")] string Task,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("duration")] double Duration,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("segments")] IReadOnlyList<TranscriptSegment> Segments,
    [property: JsonPropertyName("words")] IReadOnlyList<TranscriptWord> Words);

public sealed record TranscriptSegment(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End,
    [property: JsonPropertyName("text")] string Text);

public sealed record TranscriptWord(
    [property: JsonPropertyName("word")] string Word,
    [property: JsonPropertyName("start")] double Start,
    [property: JsonPropertyName("end")] double End);

/// <summary>OpenAI's plain <c>json</c> transcription response.</summary>
public sealed record TranscriptText([property: JsonPropertyName("text")] string Text);

/// <summary>An engine that turns an audio file into a transcript.</summary>
internal interface ITranscriber
{
    Task<Transcript> TranscribeAsync(string audioPath, string fileName, TranscriptionForm form, CancellationToken cancellationToken);
}
