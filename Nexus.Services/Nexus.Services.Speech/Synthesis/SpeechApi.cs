using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.ServiceDefaults.Errors;
using Nexus.Services.Engines;

namespace Nexus.Services.Speech.Synthesis;

/// <summary><c>POST /v1/audio/speech</c> (OpenAI's shape) and <c>GET /v1/audio/voices</c>.</summary>
internal static class SpeechApi
{
    public const int MaxInputCharacters = 4096;
    public static readonly string[] Models = ["tts-1", "tts-1-hd", "espeak-ng"];

    public static void MapSynthesis(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/audio/speech", SpeakAsync)
            .WithOpenAIErrors()
            .WithSummary("Synthesises speech from text.")
            .WithDescription("OpenAI-compatible text to speech with espeak-ng; the audio is streamed as it is produced.")
            .AsNexusFunction("speak", f => f
                .Produces("audio/wav", "audio/pcm", "audio/mpeg", "audio/ogg", "audio/flac", "audio/aac")
                .Streaming(StreamingModes.Chunked)
                .Order("input", "voice", "speed", "response_format", "model")
                .Widget("input", UiWidgets.Textarea, label: "Text")
                .Widget("voice", UiWidgets.Select, label: "Voice", help: "An OpenAI voice name or an espeak-ng voice")
                .Widget("model", UiWidgets.Hidden)
                .Example("hello", new SpeechRequest { Model = "tts-1", Input = "Hello from Nexus.", Voice = "alloy", ResponseFormat = "wav" })
                .Result(UiWidgets.Audio));

        endpoints.MapGet("/v1/audio/voices", ListVoicesAsync)
            .WithSummary("Lists the voices.")
            .AsNexusFunction("list-voices", f => f.Result(UiWidgets.Json));
    }

    private static async Task<IResult> SpeakAsync(SpeechRequest request, VoiceCatalog voices, SpeechSynthesizer synthesizer, IOptions<SpeechOptions> options, HttpContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Model)) return OpenAIErrors.BadRequest("'model' is required.", "model");
        if (!Models.Contains(request.Model)) return OpenAIErrors.NotFound($"The model '{request.Model}' does not exist here; use one of: {string.Join(", ", Models)}.", "model");
        if (string.IsNullOrWhiteSpace(request.Input)) return OpenAIErrors.BadRequest("'input' is required and must not be empty.", "input");
        if (request.Input.Length > MaxInputCharacters) return OpenAIErrors.BadRequest($"'input' is {request.Input.Length} characters; the maximum is {MaxInputCharacters}.", "input", "string_above_max_length");
        var speed = request.Speed ?? 1.0;
        if (speed is < 0.25 or > 4.0) return OpenAIErrors.BadRequest("'speed' must be between 0.25 and 4.0.", "speed");

        var format = (request.ResponseFormat ?? "mp3").ToLowerInvariant();
        if (!AudioFormats.ContentTypes.ContainsKey(format))
        {
            return OpenAIErrors.BadRequest($"'response_format' '{request.ResponseFormat}' is not supported; use one of: {string.Join(", ", AudioFormats.ContentTypes.Keys)}.", "response_format");
        }

        try
        {
            if (!AudioFormats.IsNative(format) && Programs.Resolve(options.Value.Ffmpeg) is null)
            {
                return OpenAIErrors.BadRequest($"'response_format' '{format}' needs ffmpeg, which is not installed here; use wav or pcm.", "response_format", "unsupported_format");
            }

            var voice = await voices.ResolveAsync(request.Voice);
            if (voice is null) return OpenAIErrors.BadRequest($"Unknown voice '{request.Voice}'. Use an OpenAI voice ({string.Join(", ", VoiceCatalog.OpenAIVoices.Keys)}) or one from GET /v1/audio/voices.", "voice");

            await synthesizer.StreamAsync(new SynthesisPlan(request.Input, voice, SpeechSynthesizer.WordsPerMinute(speed), format), context.Response, cancellationToken);
            return Results.Empty;
        }
        catch (EngineUnavailableException ex) when (!context.Response.HasStarted)
        {
            return OpenAIErrors.ServiceUnavailable(ex.Message);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<Voice>>, ProblemHttpResult>> ListVoicesAsync(VoiceCatalog voices)
    {
        try
        {
            return TypedResults.Ok(await voices.GetVoicesAsync());
        }
        catch (EngineUnavailableException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
