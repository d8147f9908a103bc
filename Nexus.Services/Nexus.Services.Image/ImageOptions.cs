using Microsoft.Extensions.Options;

namespace Nexus.Services.Image;

/// <summary>The image service's settings (<c>Image</c> section).</summary>
public sealed class ImageOptions
{
    public const string SectionName = "Image";

    /// <summary>Automatic1111 (stable-diffusion-webui started with <c>--api</c>) base URL; optional.</summary>
    public string? Automatic1111Url { get; set; }

    /// <summary>Sampling steps sent to Automatic1111.</summary>
    public int Steps { get; set; } = 20;

    /// <summary>Offer the <c>procedural-dev</c> model: a non-AI renderer for developing without a GPU.</summary>
    public bool ProceduralDev { get; set; } = true;

    /// <summary>Longest wait for a generation.</summary>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Images kept for <c>response_format: url</c>, newest first; older ones expire.</summary>
    public int StoredImages { get; set; } = 200;
}

internal sealed class ImageOptionsValidator : IValidateOptions<ImageOptions>
{
    public ValidateOptionsResult Validate(string? name, ImageOptions options)
    {
        var errors = new List<string>();
        if (options.Automatic1111Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"Image:Automatic1111Url '{url}' must be an absolute http or https URL.");
        }

        if (options.Steps is < 1 or > 150) errors.Add("Image:Steps must be between 1 and 150.");
        if (options.StoredImages < 1) errors.Add("Image:StoredImages must be at least 1.");
        if (options.GenerationTimeout <= TimeSpan.Zero) errors.Add("Image:GenerationTimeout must be positive.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
