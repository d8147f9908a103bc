namespace Nexus.Services.Inference.Ollama;

/// <summary>Ollama answered, with an error: an HTTP error status, or an <c>error</c> line in a stream.</summary>
internal sealed class OllamaException(string message, int? statusCode = null) : Exception(message)
{
    /// <summary>Ollama's HTTP status when it refused the request outright; <c>null</c> for an error inside a stream.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>
    /// Ollama reports a model its registry does not have as a failed manifest fetch, not as a status code:
    /// "pull model manifest: file does not exist" (and, from other registries, "manifest unknown").
    /// </summary>
    public bool IsUnknownModel =>
        StatusCode == StatusCodes.Status404NotFound
        || Message.Contains("file does not exist", StringComparison.OrdinalIgnoreCase)
        || Message.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase);
}
