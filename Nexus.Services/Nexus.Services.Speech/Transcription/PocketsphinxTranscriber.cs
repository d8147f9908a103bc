using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nexus.Services.Engines;

namespace Nexus.Services.Speech.Transcription;

/// <summary>
/// The local engine: converts the upload to 16 kHz mono 16-bit WAV (ffmpeg, else sox) and runs
/// <c>pocketsphinx_continuous -infile</c> with word times.
/// </summary>
internal sealed class PocketsphinxTranscriber(IOptions<SpeechOptions> options, EngineGate gate) : ITranscriber
{
    public const string ModelId = "pocketsphinx-en-us";

    // The converted audio: 16 kHz, mono, 16-bit; ffmpeg's WAV header is 44 to 78 bytes.
    private const int BytesPerSecond = 16_000 * 2;
    private const int WavHeaderBytes = 78;

    public async Task<Transcript> TranscribeAsync(string audioPath, string fileName, TranscriptionForm form, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var pocketsphinx = Programs.Resolve(settings.Pocketsphinx) ?? throw new EngineUnavailableException($"{settings.Pocketsphinx} is not installed; local transcription is unavailable.");
        var converted = audioPath + ".16k.wav";
        try
        {
            using var slot = await gate.EnterAsync(cancellationToken);
            await ConvertAsync(audioPath, converted, settings, cancellationToken);
            if (new FileInfo(converted).Length - WavHeaderBytes > settings.MaxAudioDuration.TotalSeconds * BytesPerSecond)
            {
                throw new AudioTooLongException($"'file' is longer than {settings.MaxAudioDuration}, the most the local engine transcribes (Speech:MaxAudioDuration); send a shorter clip.");
            }

            await using var recognition = EngineProcess.Start(pocketsphinx, ["-infile", converted, "-time", "yes", "-logfn", "/dev/null"], settings.EngineTimeout, cancellationToken);
            recognition.Input.Close();
            using var reader = new StreamReader(recognition.Output);
            var output = await reader.ReadToEndAsync(cancellationToken);
            // Its input is the converter's 16 kHz WAV, never the upload: a failure here is the engine's.
            await recognition.WaitForSuccessAsync();
            return Parse(output);
        }
        finally
        {
            File.Delete(converted);
        }
    }

    /// <summary>
    /// pocketsphinx prints each utterance's text, then one line per word: <c>word start end probability</c>,
    /// with <c>&lt;s&gt;</c>, <c>&lt;/s&gt;</c> and <c>&lt;sil&gt;</c> markers and alternates written <c>word(2)</c>.
    /// </summary>
    internal static Transcript Parse(string output)
    {
        var segments = new List<TranscriptSegment>();
        var words = new List<TranscriptWord>();
        string? utterance = null;
        var segmentWords = new List<TranscriptWord>();

        void Close()
        {
            if (utterance is null) return;
            var start = segmentWords.Count > 0 ? segmentWords[0].Start : 0;
            var end = segmentWords.Count > 0 ? segmentWords[^1].End : 0;
            segments.Add(new TranscriptSegment(segments.Count, start, end, utterance));
            segmentWords.Clear();
            utterance = null;
        }

        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ');
            if (parts.Length == 4 && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var start) && double.TryParse(parts[2], CultureInfo.InvariantCulture, out var end))
            {
                var word = parts[0];
                if (word.StartsWith('<') || word.StartsWith('[')) continue;
                var parenthesis = word.IndexOf('(', StringComparison.Ordinal);
                var entry = new TranscriptWord(parenthesis > 0 ? word[..parenthesis] : word, start, end);
                words.Add(entry);
                segmentWords.Add(entry);
            }
            else
            {
                Close();
                utterance = line;
            }
        }

        Close();
        var duration = words.Count > 0 ? words[^1].End : 0;
        return new Transcript("transcribe", "english", duration, string.Join(' ', segments.Select(s => s.Text)), segments, words);
    }

    /// <summary>
    /// Converts at most a second more than <see cref="SpeechOptions.MaxAudioDuration"/>: 13 MB of Opus holds ten hours
    /// of audio, which pocketsphinx would take longer than its timeout to read, holding an engine slot all the while.
    /// </summary>
    private static async Task ConvertAsync(string input, string output, SpeechOptions settings, CancellationToken cancellationToken)
    {
        var limit = (settings.MaxAudioDuration.TotalSeconds + 1).ToString(CultureInfo.InvariantCulture);
        string[] arguments;
        string executable;
        Regex unreadable;
        if (Programs.Resolve(settings.Ffmpeg) is { } ffmpeg)
        {
            executable = ffmpeg;
            arguments = ["-hide_banner", "-loglevel", "error", "-y", "-i", input, "-t", limit, "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav", output];
            unreadable = UnreadableInput.Ffmpeg();
        }
        else if (Programs.Resolve(settings.Sox) is { } sox)
        {
            executable = sox;
            arguments = [input, "-r", "16000", "-c", "1", "-b", "16", output, "trim", "0", limit];
            unreadable = UnreadableInput.Sox();
        }
        else
        {
            throw new EngineUnavailableException("Neither ffmpeg nor sox is installed; uploads cannot be converted for pocketsphinx.");
        }

        await using var conversion = EngineProcess.Start(executable, arguments, settings.EngineTimeout, cancellationToken);
        conversion.Input.Close();
        await conversion.WaitForSuccessAsync(unreadable);
    }
}

/// <summary>The upload is longer than the local engine transcribes: the caller's request, a 400.</summary>
internal sealed class AudioTooLongException(string message) : Exception(message);
