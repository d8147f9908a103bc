using Microsoft.Extensions.Options;

namespace Nexus.Services.Ocr;

/// <summary>The OCR service's settings (<c>Ocr</c> section).</summary>
public sealed class OcrOptions
{
    public const string SectionName = "Ocr";

    /// <summary>tesseract executable: a name looked up on PATH or a path.</summary>
    public string Tesseract { get; set; } = "tesseract";

    public int MaxConcurrency { get; set; } = 2;

    public TimeSpan QueueTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan EngineTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest image accepted.</summary>
    public long MaxUploadBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Most pixels (width times height) an image may declare; an A4 page at 600 dpi is 35 million.</summary>
    public long MaxPixels { get; set; } = 50_000_000;
}

internal sealed class OcrOptionsValidator : IValidateOptions<OcrOptions>
{
    public ValidateOptionsResult Validate(string? name, OcrOptions options)
    {
        var errors = new List<string>();
        if (options.MaxConcurrency < 1) errors.Add("Ocr:MaxConcurrency must be at least 1.");
        if (options.QueueTimeout <= TimeSpan.Zero) errors.Add("Ocr:QueueTimeout must be positive.");
        if (options.EngineTimeout <= TimeSpan.Zero) errors.Add("Ocr:EngineTimeout must be positive.");
        if (options.MaxUploadBytes <= 0) errors.Add("Ocr:MaxUploadBytes must be positive.");
        if (options.MaxPixels <= 0) errors.Add("Ocr:MaxPixels must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
