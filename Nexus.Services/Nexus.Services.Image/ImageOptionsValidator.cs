using Microsoft.Extensions.Options;
using Nexus.Services.Image.Backends.ComfyUI;

namespace Nexus.Services.Image;

/// <summary>Checks <see cref="ImageOptions"/> at start and reports every problem at once.</summary>
internal sealed class ImageOptionsValidator : IValidateOptions<ImageOptions>
{
    public ValidateOptionsResult Validate(string? name, ImageOptions options)
    {
        var errors = new List<string>();
        CheckUrl(errors, "Automatic1111Url", options.Automatic1111Url);
        CheckUrl(errors, "ComfyUIUrl", options.ComfyUIUrl);
        CheckUrl(errors, "InvokeAIUrl", options.InvokeAIUrl);
        if (string.IsNullOrWhiteSpace(options.InvokeAIQueue)) errors.Add("Image:InvokeAIQueue must not be empty.");
        if (string.IsNullOrWhiteSpace(options.InvokeAIScheduler)) errors.Add("Image:InvokeAIScheduler must not be empty.");
        if (options.ComfyUIWorkflowFile is { } file) errors.AddRange(ComfyUIWorkflowTemplate.Check(file));
        if (string.IsNullOrWhiteSpace(options.ComfyUISampler)) errors.Add("Image:ComfyUISampler must not be empty.");
        if (string.IsNullOrWhiteSpace(options.ComfyUIScheduler)) errors.Add("Image:ComfyUIScheduler must not be empty.");
        if (options.Steps is < 1 or > 150) errors.Add("Image:Steps must be between 1 and 150.");
        if (options.CfgScale is < 0 or > 100) errors.Add("Image:CfgScale must be between 0 and 100.");
        if (options.StoredImages < 1) errors.Add("Image:StoredImages must be at least 1.");
        if (options.GenerationTimeout <= TimeSpan.Zero) errors.Add("Image:GenerationTimeout must be positive.");
        if (options.RequestTimeout <= TimeSpan.Zero) errors.Add("Image:RequestTimeout must be positive.");
        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromSeconds(10))
        {
            errors.Add("Image:PollInterval must be between 10 ms and 10 s.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckUrl(List<string> errors, string setting, string? url)
    {
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            errors.Add($"Image:{setting} '{url}' must be an absolute http or https URL.");
        }
    }
}
