using Microsoft.Extensions.Options;
using Nexus.Services.Inference.Embeddings;

namespace Nexus.Services.Inference;

/// <summary>The inference service's settings (<c>Inference</c> section).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>The servers models are served from; none means not ready.</summary>
    public List<UpstreamOptions> Upstreams { get; set; } = [];

    /// <summary>How long a fetched model catalog is reused.</summary>
    public TimeSpan CatalogRefresh { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait for an upstream's response headers (a stream or a pull may then run longer), and for a whole model listing.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The in-process embedding model, all-MiniLM-L6-v2.</summary>
    public LocalEmbeddingsOptions LocalEmbeddings { get; set; } = new();
}

/// <summary>One OpenAI-compatible server.</summary>
public sealed class UpstreamOptions
{
    /// <summary>A name for logs and errors.</summary>
    public string Name { get; set; } = "upstream";

    /// <summary>Base URL without <c>/v1</c>, e.g. <c>http://localhost:11434</c> for Ollama or <c>http://localhost:8000</c> for vLLM.</summary>
    public string Url { get; set; } = string.Empty;

    /// <summary>Sent as <c>Authorization: Bearer</c>; optional for local servers.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>openai</c> (any OpenAI-compatible server) or <c>ollama</c> (adds context lengths from Ollama's native API).</summary>
    public string Kind { get; set; } = "openai";

    /// <summary>Routing labels for this upstream's models (e.g. <c>tier</c>, <c>gpu</c>).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Upstreams.Count; i++)
        {
            var upstream = options.Upstreams[i];
            if (!(Uri.TryCreate(upstream.Url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            {
                errors.Add($"Inference:Upstreams:{i}:Url '{upstream.Url}' must be an absolute http or https URL.");
            }

            if (upstream.Kind is not ("openai" or "ollama")) errors.Add($"Inference:Upstreams:{i}:Kind '{upstream.Kind}' must be 'openai' or 'ollama'.");
        }

        if (options.CatalogRefresh <= TimeSpan.Zero) errors.Add("Inference:CatalogRefresh must be positive.");
        if (options.UpstreamTimeout <= TimeSpan.Zero) errors.Add("Inference:UpstreamTimeout must be positive.");
        var local = options.LocalEmbeddings;
        if (local.BatchSize is < 1 or > 256) errors.Add("Inference:LocalEmbeddings:BatchSize must be between 1 and 256.");
        if (local.MaxConcurrentBatches < 1) errors.Add("Inference:LocalEmbeddings:MaxConcurrentBatches must be at least 1.");
        if (local.MaxInputs < 1) errors.Add("Inference:LocalEmbeddings:MaxInputs must be at least 1.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
