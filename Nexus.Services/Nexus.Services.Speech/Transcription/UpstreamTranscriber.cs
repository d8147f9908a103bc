using System.ClientModel;
using Microsoft.Extensions.Options;
using Nexus.Services.Engines;
using OpenAI;
using OpenAI.Audio;

namespace Nexus.Services.Speech.Transcription;

/// <summary>Transcribes through any OpenAI-compatible server (whisper.cpp, faster-whisper-server, OpenAI) with the official SDK.</summary>
internal sealed class UpstreamTranscriber(IOptions<SpeechOptions> options) : ITranscriber
{
    public async Task<Transcript> TranscribeAsync(string audioPath, string fileName, TranscriptionForm form, CancellationToken cancellationToken)
    {
        var upstream = options.Value.Upstream;
        var client = new AudioClient(
            upstream.Model,
            new ApiKeyCredential(upstream.ApiKey ?? "none"),
            new OpenAIClientOptions { Endpoint = new Uri(upstream.Url!.TrimEnd('/') + "/v1"), NetworkTimeout = options.Value.EngineTimeout });

        await using var audio = File.OpenRead(audioPath);
        try
        {
            var result = await client.TranscribeAudioAsync(audio, fileName, new AudioTranscriptionOptions
            {
                Language = form.Language,
                Prompt = form.Prompt,
                ResponseFormat = AudioTranscriptionFormat.Verbose,
            }, cancellationToken);
            var transcription = result.Value;
            var segments = transcription.Segments.Select(s => new TranscriptSegment(s.Id, s.StartTime.TotalSeconds, s.EndTime.TotalSeconds, s.Text)).ToList();
            var words = transcription.Words.Select(w => new TranscriptWord(w.Word, w.StartTime.TotalSeconds, w.EndTime.TotalSeconds)).ToList();
            return new Transcript("transcribe", transcription.Language ?? form.Language ?? "unknown", transcription.Duration?.TotalSeconds ?? 0, transcription.Text, segments, words);
        }
        catch (ClientResultException ex)
        {
            throw new EngineUnavailableException($"The transcription upstream answered {ex.Status}: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            throw new EngineUnavailableException($"The transcription upstream is unreachable: {ex.Message}");
        }
    }
}
