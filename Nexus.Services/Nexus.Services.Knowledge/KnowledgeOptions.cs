using Microsoft.Extensions.Options;

namespace Nexus.Services.Knowledge;

/// <summary>The knowledge service's settings (<c>Knowledge</c> section).</summary>
public sealed class KnowledgeOptions
{
    public const string SectionName = "Knowledge";

    /// <summary>The OpenAI-compatible API that embeddings and answers go through, normally the Nexus gateway.</summary>
    public EndpointOptions Gateway { get; set; } = new();

    /// <summary>Embeddings: <c>/v1/embeddings</c> of <see cref="Gateway"/> unless a URL of their own is set.</summary>
    public EmbeddingOptions Embeddings { get; set; } = new();

    /// <summary>Answers: <c>/v1/chat/completions</c> of <see cref="Gateway"/> unless a URL of their own is set.</summary>
    public ChatOptions Chat { get; set; } = new();

    /// <summary>Characters per chunk: about 200 tokens of English, within what all-MiniLM-L6-v2 reads (256 word pieces).</summary>
    public int ChunkSize { get; set; } = 800;

    /// <summary>Characters each chunk repeats from the end of the one before, so a sentence cut at a boundary is whole in one of them.</summary>
    public int ChunkOverlap { get; set; } = 160;

    /// <summary>The longest document text accepted, after conversion to text.</summary>
    public int MaxDocumentCharacters { get; set; } = 2_000_000;

    /// <summary>SQLite file used when no PostgreSQL connection string (<c>ConnectionStrings:nexusdb</c>) is set.</summary>
    public string SqlitePath { get; set; } = "nexus-knowledge.db";

    /// <summary>pdftotext (poppler-utils): a name looked up on PATH or a path. PDF uploads are refused without it.</summary>
    public string PdfToText { get; set; } = "pdftotext";

    /// <summary>pdftotext runs at once; further uploads wait up to 30 s.</summary>
    public int MaxConcurrentConversions { get; set; } = 2;

    /// <summary>Longest one conversion may run before it is stopped.</summary>
    public TimeSpan ConversionTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the readiness check trusts its last look at the embeddings endpoint.</summary>
    public TimeSpan ReadinessCacheDuration { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>An OpenAI-compatible base URL (without <c>/v1</c>) and its API key.</summary>
public class EndpointOptions
{
    /// <summary>Base URL; for <see cref="KnowledgeOptions.Gateway"/>, defaults to the registry's (the gateway) when unset.</summary>
    public string? Url { get; set; }

    /// <summary>Bearer key: for the gateway, a tenant key whose tenant is billed for the embeddings and answers.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>The endpoint of one kind of call (embeddings, chat), each with its own timeout.</summary>
public class UpstreamOptions : EndpointOptions
{
    /// <summary>How long one call may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);
}

/// <summary>Where embeddings come from and with which model.</summary>
public sealed class EmbeddingOptions : UpstreamOptions
{
    /// <summary>The embedding model; a collection keeps the model it was created with.</summary>
    public string Model { get; set; } = "all-minilm-l6-v2";

    /// <summary>Chunks sent in one <c>/v1/embeddings</c> request.</summary>
    public int BatchSize { get; set; } = 64;
}

/// <summary>Where answers come from and with which model.</summary>
public sealed class ChatOptions : UpstreamOptions
{
    /// <summary>The chat model for <c>answer</c>; unset, <c>answer</c> answers 503 and retrieval still works.</summary>
    public string? Model { get; set; }

    /// <summary>Least score a chunk needs to be given to the model as context; with none above it, the answer is a refusal.</summary>
    public double MinScore { get; set; } = 0.3;
}

internal sealed class KnowledgeOptionsValidator : IValidateOptions<KnowledgeOptions>
{
    public ValidateOptionsResult Validate(string? name, KnowledgeOptions options)
    {
        var errors = new List<string>();
        if (options.ChunkSize is < 100 or > 20_000) errors.Add("Knowledge:ChunkSize must be between 100 and 20000 characters.");
        if (options.ChunkOverlap < 0 || options.ChunkOverlap > options.ChunkSize / 2) errors.Add("Knowledge:ChunkOverlap must be between 0 and half of Knowledge:ChunkSize.");
        if (options.MaxDocumentCharacters < 1) errors.Add("Knowledge:MaxDocumentCharacters must be positive.");
        if (string.IsNullOrWhiteSpace(options.SqlitePath)) errors.Add("Knowledge:SqlitePath must not be empty.");
        if (options.MaxConcurrentConversions < 1) errors.Add("Knowledge:MaxConcurrentConversions must be at least 1.");
        if (options.ConversionTimeout <= TimeSpan.Zero) errors.Add("Knowledge:ConversionTimeout must be positive.");
        if (options.ReadinessCacheDuration < TimeSpan.Zero) errors.Add("Knowledge:ReadinessCacheDuration must not be negative.");
        if (string.IsNullOrWhiteSpace(options.Embeddings.Model)) errors.Add("Knowledge:Embeddings:Model must not be empty.");
        if (options.Embeddings.BatchSize is < 1 or > 2048) errors.Add("Knowledge:Embeddings:BatchSize must be between 1 and 2048.");
        if (options.Chat.MinScore is < -1 or > 1) errors.Add("Knowledge:Chat:MinScore must be between -1 and 1.");
        foreach (var (key, endpoint) in new (string, EndpointOptions)[] { ("Gateway", options.Gateway), ("Embeddings", options.Embeddings), ("Chat", options.Chat) })
        {
            if (endpoint.Url is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "https+http" or "http+https"))
            {
                errors.Add($"Knowledge:{key}:Url '{url}' must be an absolute http or https URL.");
            }

            if (endpoint is UpstreamOptions { Timeout: var timeout } && timeout <= TimeSpan.Zero) errors.Add($"Knowledge:{key}:Timeout must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
