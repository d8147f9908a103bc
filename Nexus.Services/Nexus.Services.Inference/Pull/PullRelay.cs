using System.Text.Json;
using Nexus.Contract;
using OllamaSharp.Models;
using OllamaSharp.Models.Exceptions;

namespace Nexus.Services.Inference.Pull;

/// <summary>How a relayed pull ended.</summary>
internal sealed record PullOutcome(string? Error = null, bool Abandoned = false);

/// <summary>Relays Ollama's pull progress to the caller as NDJSON.</summary>
internal static class PullRelay
{
    public const string PullingManifest = "pulling manifest";
    public const string Success = "success";
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>
    /// Reads up to the first line past <c>pulling manifest</c>. The registry's verdict on the name (an unknown model)
    /// arrives in this phase, as OllamaSharp's <see cref="ResponseError"/>, and while nothing has been written to the
    /// caller it can still be an HTTP status. The first read also sends the request, so Ollama's refusals surface here.
    /// </summary>
    public static async Task<List<PullModelResponse>> ReadManifestPhaseAsync(IAsyncEnumerator<PullModelResponse?> progress)
    {
        var head = new List<PullModelResponse>();
        while (await progress.MoveNextAsync())
        {
            if (progress.Current is not { } line) continue;
            head.Add(line);
            if (line.Status != PullingManifest) break;
        }

        return head;
    }

    /// <summary>
    /// Writes the held-back lines and then the rest as they arrive. On Ollama's <c>success</c> the catalog is refreshed
    /// (<paramref name="refreshCatalog"/> answers the model's id there) before the caller sees <c>success</c>, so a
    /// listing made right after includes the model. A failure after the stream began cannot change the status any
    /// more: it becomes the final <c>error</c> line.
    /// </summary>
    public static async Task<PullOutcome> StreamAsync(
        HttpResponse response,
        List<PullModelResponse> head,
        IAsyncEnumerator<PullModelResponse?> rest,
        string upstream,
        Func<CancellationToken, Task<string>> refreshCatalog,
        CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PullApi.ContentType;
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";

        string error;
        try
        {
            await foreach (var line in Concat(head, rest))
            {
                if (line.Status == Success)
                {
                    var model = await refreshCatalog(cancellationToken);
                    await WriteAsync(response, new PullProgress { Status = Success, Model = model, Upstream = upstream }, cancellationToken);
                    return new PullOutcome();
                }

                await WriteAsync(response, Progress(line), cancellationToken);
            }

            // OllamaSharp ends the enumeration quietly when the caller's token is cancelled.
            if (cancellationToken.IsCancellationRequested) return new PullOutcome(Abandoned: true);
            error = "Ollama ended the stream before reporting success.";
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away; the read or write that noticed may throw any of several exception types.
            return new PullOutcome(Abandoned: true);
        }
        catch (ResponseError ex)
        {
            // Ollama's own {"error": ...} line: its words are the reason.
            error = ex.Message;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            error = $"The connection to Ollama broke: {ex.Message}";
        }
        catch (Exception ex) when (ex is JsonException or OllamaException)
        {
            error = $"Ollama sent a progress line this service cannot read: {ex.Message}";
        }

        await WriteAsync(response, Failure(error), cancellationToken);
        return new PullOutcome(error);
    }

    /// <summary>
    /// A layer's line carries its digest and sizes; the other phases (<c>pulling manifest</c>, <c>verifying sha256
    /// digest</c>) carry a status only, though OllamaSharp reads their absent sizes as 0.
    /// </summary>
    private static PullProgress Progress(PullModelResponse line)
    {
        // Ollama's newer registry client reports layer progress without a status.
        var status = line.Status ?? "pulling";
        return string.IsNullOrEmpty(line.Digest)
            ? new PullProgress { Status = status }
            : new PullProgress { Status = status, Digest = line.Digest, Total = line.Total, Completed = line.Completed };
    }

    private static PullProgress Failure(string error) => new() { Status = PullProgress.ErrorStatus, Error = error };

    private static async IAsyncEnumerable<PullModelResponse> Concat(List<PullModelResponse> head, IAsyncEnumerator<PullModelResponse?> rest)
    {
        foreach (var line in head) yield return line;
        while (await rest.MoveNextAsync())
        {
            if (rest.Current is { } line) yield return line;
        }
    }

    /// <summary>One object per line, flushed, so a progress bar moves as the download does.</summary>
    private static async Task WriteAsync(HttpResponse response, PullProgress progress, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(progress, NexusJson.Options), cancellationToken);
        await response.Body.WriteAsync(NewLine, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
