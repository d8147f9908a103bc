using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Engines;

namespace Nexus.Services.Ocr;

/// <summary><c>POST /v1/ocr</c> (multipart image in, text with lines and word boxes out) and <c>GET /v1/ocr/languages</c>.</summary>
internal static partial class OcrApi
{
    public static void MapOcr(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/ocr", ReadAsync)
            .WithSummary("Reads the text in an image.")
            .WithDescription("Text, lines and word boxes with confidence, through tesseract.")
            .AsNexusFunction("read-text", f => f
                .Input<OcrForm>()
                .Output<OcrResult>()
                .Accepts("multipart/form-data")
                .Order("file", "language")
                .Widget("file", UiWidgets.Image, label: "Image")
                .Widget("language", UiWidgets.Text, label: "Language", help: "e.g. eng, or deu+eng")
                .Result(UiWidgets.Json));

        endpoints.MapGet("/v1/ocr/languages", LanguagesAsync)
            .WithSummary("Lists the languages tesseract can read.")
            .AsNexusFunction("list-languages");
    }

    private static async Task<Results<Ok<OcrResult>, ProblemHttpResult>> ReadAsync(HttpRequest request, TesseractEngine engine, IOptions<OcrOptions> options, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) return Problem(StatusCodes.Status415UnsupportedMediaType, "Send the image as multipart/form-data in a 'file' field.");
        var form = await request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file");
        if (file is null && form.ContainsKey("file")) return Problem(StatusCodes.Status400BadRequest, "'file' must be a file part (with a filename), not a text field.");
        if (file is null || file.Length == 0) return Problem(StatusCodes.Status400BadRequest, "'file' is required: the image to read.");
        if (file.Length > options.Value.MaxUploadBytes) return Problem(StatusCodes.Status413PayloadTooLarge, $"'file' is {file.Length} bytes; the maximum is {options.Value.MaxUploadBytes}.");

        var language = form["language"].ToString() is { Length: > 0 } requested ? requested : "eng";
        if (!LanguageCodes().IsMatch(language)) return Problem(StatusCodes.Status400BadRequest, $"'language' '{language}' is not a tesseract language code such as eng or deu+eng.");

        var path = Path.Combine(Path.GetTempPath(), $"nexus-ocr-{Guid.NewGuid():N}");
        try
        {
            await using (var target = File.Create(path))
            {
                await file.CopyToAsync(target, cancellationToken);
            }

            ImageHeader? header;
            await using (var image = File.OpenRead(path))
            {
                header = ImageHeader.Read(image);
            }

            if (header is null) return Problem(StatusCodes.Status415UnsupportedMediaType, "'file' is not a PNG, JPEG, TIFF, BMP, GIF or WebP image.");
            if (header.Pixels > options.Value.MaxPixels)
            {
                return Problem(StatusCodes.Status400BadRequest, $"'file' is a {header.Width}x{header.Height} {header.Format} ({header.Pixels / 1_000_000} megapixels); the most this service reads is {options.Value.MaxPixels / 1_000_000} megapixels.");
            }

            var installed = await engine.LanguagesAsync(cancellationToken);
            var missing = language.Split('+').Where(l => !installed.Contains(l)).ToList();
            if (missing.Count > 0) return Problem(StatusCodes.Status400BadRequest, $"No tesseract data for {string.Join(", ", missing)}; installed: {string.Join(", ", installed)}.");

            return TypedResults.Ok(await engine.ReadAsync(path, language, cancellationToken));
        }
        catch (UnreadableInputException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, $"'file' could not be read as an image: {ex.Message}");
        }
        catch (EngineUnavailableException ex)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<string>>, ProblemHttpResult>> LanguagesAsync(TesseractEngine engine, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await engine.LanguagesAsync(cancellationToken));
        }
        catch (EngineUnavailableException ex)
        {
            return Problem(StatusCodes.Status503ServiceUnavailable, ex.Message);
        }
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail, statusCode: status);

    [GeneratedRegex("^[a-z_]{3,20}(\\+[a-z_]{3,20}){0,4}$")]
    private static partial Regex LanguageCodes();
}
