using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OllamaSharp.Models.Exceptions;

namespace Nexus.Services.Inference.Pull;

/// <summary>What OllamaSharp throws before any progress was written, as a status the caller can act on.</summary>
internal static class PullFailures
{
    /// <summary>Whether <paramref name="exception"/> is Ollama's answer, or the lack of one; the caller's own cancellation is handled first.</summary>
    public static bool IsOllamas(Exception exception) =>
        // An OperationCanceledException here is the upstream client's timeout (Inference:UpstreamTimeout) on Ollama's headers.
        exception is OllamaException or HttpRequestException or IOException or JsonException or OperationCanceledException;

    public static ProblemHttpResult Problem(Exception exception, UpstreamOptions upstream, string model, TimeSpan timeout) => exception switch
    {
        OperationCanceledException => PullApi.Problem(StatusCodes.Status504GatewayTimeout, "Ollama timed out", $"Ollama '{upstream.Name}' did not answer within {timeout.TotalSeconds:0} s."),
        HttpRequestException { StatusCode: null } => PullApi.Problem(StatusCodes.Status503ServiceUnavailable, "Ollama unreachable", $"Ollama '{upstream.Name}' ({upstream.Url}) is unreachable: {exception.Message}"),
        _ when IsUnknownModel(exception) => PullApi.Problem(StatusCodes.Status404NotFound, "Model not found", $"Ollama '{upstream.Name}' found no model '{model}' in its registry: {exception.Message}"),
        // OllamaSharp throws its plain OllamaException for Ollama's 400 (a name it will not pull), ResponseError for an error line.
        OllamaException and not ResponseError => PullApi.Problem(StatusCodes.Status400BadRequest, "Invalid model name", $"Ollama '{upstream.Name}' refused '{model}': {exception.Message}"),
        // An error line, an error status, a broken connection or a line that is not JSON.
        _ => PullApi.Problem(StatusCodes.Status502BadGateway, "Ollama failed", $"Ollama '{upstream.Name}' failed to pull '{model}': {exception.Message}"),
    };

    /// <summary>
    /// Ollama reports a model its registry does not have as a failed manifest fetch, not as a status code:
    /// "pull model manifest: file does not exist" (and, from other registries, "manifest unknown"); a proxy in front of
    /// it may answer 404.
    /// </summary>
    private static bool IsUnknownModel(Exception exception) =>
        exception is HttpRequestException { StatusCode: HttpStatusCode.NotFound }
        || (exception is OllamaException
            && (exception.Message.Contains("file does not exist", StringComparison.OrdinalIgnoreCase)
                || exception.Message.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase)));
}
