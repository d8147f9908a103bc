using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Contract;
using Nexus.ServiceDefaults.Errors;
using Nexus.Services.Image.Backends;

namespace Nexus.Services.Image;

/// <summary><c>POST /v1/images/generations</c> (OpenAI's shape) and <c>GET /v1/images/files/{id}.png</c> for URL answers.</summary>
internal static partial class ImageApi
{
    public static void MapImages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/images/generations", GenerateAsync)
            .WithOpenAIErrors()
            .WithSummary("Generates images from a prompt.")
            .AsNexusFunction("generate-image", f => f
                .Order("prompt", "model", "size", "n", "response_format")
                .Widget("prompt", UiWidgets.Textarea, label: "Prompt")
                .Example("waves", new ImageRequest { Prompt = "ocean waves at dusk", Model = ProceduralBackend.ModelId, Size = "256x256" })
                .Result(UiWidgets.Image));

        endpoints.MapGet("/v1/images/files/{id}.png", GetFile).ExcludeFromDescription();
    }

    private static async Task<IResult> GenerateAsync(
        ImageRequest request, ImageCatalog catalog, ImageStore store, Random random, TimeProvider time, HttpContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Prompt)) return OpenAIErrors.BadRequest("'prompt' is required.", "prompt");
        if (request.Prompt.Length > 4000) return OpenAIErrors.BadRequest("'prompt' is longer than 4000 characters.", "prompt");
        var count = request.N ?? 1;
        if (count is < 1 or > 4) return OpenAIErrors.BadRequest("'n' must be between 1 and 4.", "n");
        if (ParseSize(request.Size ?? "1024x1024") is not var (width, height)) return OpenAIErrors.BadRequest("'size' must be WIDTHxHEIGHT, each 64 to 2048 and a multiple of 8.", "size");
        var format = request.ResponseFormat ?? "b64_json";
        if (format is not ("b64_json" or "url")) return OpenAIErrors.BadRequest("'response_format' must be b64_json or url.", "response_format");
        if (request.Seed is < 0) return OpenAIErrors.BadRequest("'seed' must not be negative.", "seed");

        var models = await catalog.ListAsync(cancellationToken);
        var model = request.Model ?? models.FirstOrDefault(m => m.Descriptor.Ready)?.Descriptor.Id;
        if (model is null) return OpenAIErrors.ServiceUnavailable(NoneReady(models));
        if (ImageCatalog.Find(models, model) is not { } entry)
        {
            return OpenAIErrors.NotFound($"The model '{model}' does not exist here; use one of: {string.Join(", ", models.Select(m => m.Descriptor.Id))}.", "model");
        }

        if (!entry.Descriptor.Ready) return OpenAIErrors.ServiceUnavailable(entry.Descriptor.Reason ?? "The image backend is not ready.");

        // Random per request unless asked for; kept within 32 bits, the range every engine stores in its image metadata.
        var seed = request.Seed ?? random.NextInt64(0, uint.MaxValue);
        try
        {
            var images = await entry.Backend.GenerateAsync(new GenerationPlan(request.Prompt, entry.EngineModel, count, width, height, seed), cancellationToken);
            var baseUrl = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";
            var data = images.Select(png => format == "url"
                ? new ImageData(null, $"{baseUrl}/v1/images/files/{store.Add(png)}.png", request.Prompt)
                : new ImageData(Convert.ToBase64String(png), null, request.Prompt)).ToList();
            return TypedResults.Ok(new ImageResponse(time.GetUtcNow().ToUnixTimeSeconds(), data));
        }
        catch (BackendException ex)
        {
            return OpenAIErrors.Result(ex.Status, ex.Message, code: ex.Code);
        }
    }

    private static string NoneReady(IReadOnlyList<ImageModel> models) =>
        models.Count == 0
            ? "No image backend is configured (Image:Automatic1111Url, Image:ComfyUIUrl, Image:InvokeAIUrl) and procedural-dev is off."
            : "No image model is ready: " + string.Join("; ", models.Select(m => m.Descriptor.Reason).OfType<string>());

    private static Results<FileContentHttpResult, NotFound> GetFile(string id, ImageStore store) =>
        store.Get(id) is { } png ? TypedResults.File(png, "image/png") : TypedResults.NotFound();

    internal static (int Width, int Height)? ParseSize(string size)
    {
        var match = Size().Match(size);
        if (!match.Success) return null;
        var width = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var height = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        return width is >= 64 and <= 2048 && height is >= 64 and <= 2048 && width % 8 == 0 && height % 8 == 0 ? (width, height) : null;
    }

    [GeneratedRegex("^([0-9]{2,4})x([0-9]{2,4})$")]
    private static partial Regex Size();
}
