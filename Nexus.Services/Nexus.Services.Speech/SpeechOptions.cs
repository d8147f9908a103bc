using Microsoft.Extensions.Options;

namespace Nexus.Services.Speech;

/// <summary>The speech service's settings (<c>Speech</c> section).</summary>
public sealed class SpeechOptions
{
    public const string SectionName = "Speech";

    /// <summary>espeak-ng executable: a name looked up on PATH or a path.</summary>
    public string Espeak { get; set; } = "espeak-ng";

    /// <summary>ffmpeg, for mp3, opus, flac and aac output and for decoding uploads; optional.</summary>
    public string Ffmpeg { get; set; } = "ffmpeg";

    /// <summary>pocketsphinx's continuous recogniser.</summary>
    public string Pocketsphinx { get; set; } = "pocketsphinx_continuous";

    /// <summary>sox, used to resample uploads to 16 kHz mono when ffmpeg is absent.</summary>
    public string Sox { get; set; } = "sox";

    /// <summary>Engine processes running at once; further requests wait up to <see cref="QueueTimeout"/>.</summary>
    public int MaxConcurrency { get; set; } = 2;

    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest an engine may run for one request before it is killed.</summary>
    public TimeSpan EngineTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Largest audio upload accepted for transcription (OpenAI's limit is 25 MB).</summary>
    public long MaxUploadBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Longest audio the local engine transcribes: what pocketsphinx, at about real time, reads within <see cref="EngineTimeout"/>. The upstream has its own limits.</summary>
    public TimeSpan MaxAudioDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>An OpenAI-compatible transcription upstream (whisper.cpp server, faster-whisper-server, OpenAI); optional.</summary>
    public TranscriptionUpstreamOptions Upstream { get; set; } = new();
}

/// <summary>Where transcriptions go for quality: any server speaking OpenAI's <c>/v1/audio/transcriptions</c>.</summary>
public sealed class TranscriptionUpstreamOptions
{
    public string? Url { get; set; }
    public string? ApiKey { get; set; }

    /// <summary>The model the upstream expects.</summary>
    public string Model { get; set; } = "whisper-1";

    /// <summary>The model id clients use for it through Nexus.</summary>
    public string ModelId { get; set; } = "whisper-1";
}

internal sealed class SpeechOptionsValidator : IValidateOptions<SpeechOptions>
{
    public ValidateOptionsResult Validate(string? name, SpeechOptions options)
    {
        var errors = new List<string>();
        if (options.MaxConcurrency < 1) errors.Add("Speech:MaxConcurrency must be at least 1.");
        if (options.QueueTimeout <= TimeSpan.Zero) errors.Add("Speech:QueueTimeout must be positive.");
        if (options.EngineTimeout <= TimeSpan.Zero) errors.Add("Speech:EngineTimeout must be positive.");
        if (options.MaxUploadBytes <= 0) errors.Add("Speech:MaxUploadBytes must be positive.");
        if (options.MaxAudioDuration <= TimeSpan.Zero) errors.Add("Speech:MaxAudioDuration must be positive.");
        if (options.Upstream.Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"Speech:Upstream:Url '{url}' must be an absolute http or https URL.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
