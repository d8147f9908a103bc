namespace Nexus.Services.Image;

/// <summary>The image service's settings (<c>Image</c> section).</summary>
public sealed class ImageOptions
{
    public const string SectionName = "Image";

    /// <summary>Automatic1111 (stable-diffusion-webui started with <c>--api</c>) base URL; optional.</summary>
    public string? Automatic1111Url { get; set; }

    /// <summary>ComfyUI base URL (its HTTP API, <c>http://host:8188</c>); optional.</summary>
    public string? ComfyUIUrl { get; set; }

    /// <summary>InvokeAI base URL (its HTTP API, <c>http://host:9090</c>); optional.</summary>
    public string? InvokeAIUrl { get; set; }

    /// <summary>The InvokeAI session queue that batches are enqueued on.</summary>
    public string InvokeAIQueue { get; set; } = "default";

    /// <summary>Denoise latents <c>scheduler</c> in the InvokeAI text-to-image graph.</summary>
    public string InvokeAIScheduler { get; set; } = "euler";

    /// <summary>
    /// An API-format ComfyUI workflow (JSON file) used instead of the built-in txt2img graph; its string values may hold
    /// the placeholders listed in the README (<c>{{prompt}}</c> and <c>{{model}}</c> are required).
    /// </summary>
    public string? ComfyUIWorkflowFile { get; set; }

    /// <summary>KSampler <c>sampler_name</c> in the built-in ComfyUI graph.</summary>
    public string ComfyUISampler { get; set; } = "euler";

    /// <summary>KSampler <c>scheduler</c> in the built-in ComfyUI graph.</summary>
    public string ComfyUIScheduler { get; set; } = "normal";

    /// <summary>Sampling steps sent to every engine.</summary>
    public int Steps { get; set; } = 20;

    /// <summary>Classifier-free guidance scale sent to every engine.</summary>
    public double CfgScale { get; set; } = 7;

    /// <summary>Offer the <c>procedural-dev</c> model: a non-AI renderer for developing without a GPU.</summary>
    public bool ProceduralDev { get; set; } = true;

    /// <summary>Longest wait for a generation.</summary>
    public TimeSpan GenerationTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait for one call to a queue-based engine (ComfyUI, InvokeAI): catalog, submit, poll, download.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a queued job's state is polled (ComfyUI's history, InvokeAI's batch status).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Images kept for <c>response_format: url</c>, newest first; older ones expire.</summary>
    public int StoredImages { get; set; } = 200;
}
