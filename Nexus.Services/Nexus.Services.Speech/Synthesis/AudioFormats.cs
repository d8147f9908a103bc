namespace Nexus.Services.Speech.Synthesis;

/// <summary>The response formats OpenAI defines, and how each is produced from espeak-ng's WAV.</summary>
internal static class AudioFormats
{
    /// <summary>espeak-ng's output: 16-bit mono PCM at this rate, after a 44-byte WAV header.</summary>
    public const int SampleRate = 22050;
    public const int WavHeaderBytes = 44;

    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["wav"] = "audio/wav",
        ["pcm"] = "audio/pcm",
        ["mp3"] = "audio/mpeg",
        ["opus"] = "audio/ogg",
        ["flac"] = "audio/flac",
        ["aac"] = "audio/aac",
    };

    /// <summary>The formats that need no transcoder.</summary>
    public static bool IsNative(string format) => format is "wav" or "pcm";

    /// <summary>ffmpeg arguments that read WAV on stdin and write the format on stdout as it is encoded.</summary>
    public static string[] FfmpegArguments(string format)
    {
        string[] codec = format switch
        {
            "mp3" => ["-f", "mp3"],
            "opus" => ["-c:a", "libopus", "-f", "ogg"],
            "flac" => ["-f", "flac"],
            "aac" => ["-c:a", "aac", "-f", "adts"],
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Not a transcoded format."),
        };
        return ["-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0", .. codec, "pipe:1"];
    }
}
