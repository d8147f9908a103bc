using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.ServiceDefaults.Errors;
using Nexus.Services.Engines;

namespace Nexus.Services.Speech.Transcription;

/// <summary><c>POST /v1/audio/transcriptions</c>: OpenAI's multipart request and its json, text and verbose_json answers.</summary>
internal static class TranscriptionApi
{
    private static readonly string[] Formats = ["json", "text", "verbose_json"];

    public static void MapTranscription(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/audio/transcriptions", TranscribeAsync)
            .WithOpenAIErrors()
            .WithSummary("Transcribes speech to text.")
            .WithDescription("OpenAI-compatible speech to text: pocketsphinx locally, or an OpenAI-compatible upstream for quality.")
            .AsNexusFunction("transcribe", f => f
                .Input<TranscriptionForm>()
                .Output<Transcript>()
                .Accepts("multipart/form-data")
                .Produces("application/json", "text/plain")
                .Order("file", "model", "response_format", "language", "prompt")
                .Widget("file", UiWidgets.Audio, label: "Audio")
                .Widget("prompt", UiWidgets.Textarea)
                .Result(UiWidgets.Json));
    }

    private static async Task<IResult> TranscribeAsync(HttpRequest request, IOptions<SpeechOptions> options, PocketsphinxTranscriber local, UpstreamTranscriber upstream, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) return OpenAIErrors.BadRequest("The request must be multipart/form-data with a 'file' and a 'model'.");
        var form = await request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file");
        if (file is null && form.ContainsKey("file")) return OpenAIErrors.BadRequest("'file' must be a file part (with a filename), not a text field.", "file");
        if (file is null || file.Length == 0) return OpenAIErrors.BadRequest("'file' is required: the audio to transcribe.", "file");
        if (file.Length > options.Value.MaxUploadBytes)
        {
            return OpenAIErrors.Result(StatusCodes.Status413PayloadTooLarge, $"'file' is {file.Length} bytes; the maximum is {options.Value.MaxUploadBytes}.", "file");
        }

        var model = form["model"].ToString();
        if (string.IsNullOrWhiteSpace(model)) return OpenAIErrors.BadRequest("'model' is required.", "model");
        ITranscriber? transcriber = model == PocketsphinxTranscriber.ModelId ? local
            : options.Value.Upstream.Url is not null && model == options.Value.Upstream.ModelId ? upstream
            : null;
        if (transcriber is null) return OpenAIErrors.NotFound($"The model '{model}' does not exist here; see /v1/metadata for this service's models.", "model");

        var format = form["response_format"].ToString() is { Length: > 0 } requested ? requested : "json";
        if (!Formats.Contains(format)) return OpenAIErrors.BadRequest($"'response_format' '{format}' is not supported; use json, text or verbose_json.", "response_format");

        var fields = new TranscriptionForm
        {
            File = file.FileName,
            Model = model,
            ResponseFormat = format,
            Language = NullIfEmpty(form["language"]),
            Prompt = NullIfEmpty(form["prompt"]),
        };

        var path = Path.Combine(Path.GetTempPath(), $"nexus-speech-{Guid.NewGuid():N}{Path.GetExtension(file.FileName)}");
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, cancellationToken);
            }

            var transcript = await transcriber.TranscribeAsync(path, file.FileName, fields, cancellationToken);
            return format switch
            {
                "text" => Results.Text(transcript.Text + "\n", "text/plain"),
                "verbose_json" => Results.Json(transcript),
                _ => Results.Json(new TranscriptText(transcript.Text)),
            };
        }
        catch (AudioTooLongException ex)
        {
            return OpenAIErrors.BadRequest(ex.Message, "file", "audio_too_long");
        }
        catch (UnreadableInputException ex)
        {
            return OpenAIErrors.BadRequest($"'file' could not be decoded as audio: {ex.Message}", "file", "invalid_audio");
        }
        catch (EngineUnavailableException ex)
        {
            return OpenAIErrors.ServiceUnavailable(ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.ToString() is { Length: > 0 } text ? text : null;
}
