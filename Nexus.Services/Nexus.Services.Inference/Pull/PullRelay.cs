using System.Text.Json;
using Nexus.Contract;
using Nexus.Services.Inference.Ollama;

namespace Nexus.Services.Inference.Pull;

/// <summary>How a relayed pull ended.</summary>
internal sealed record PullOutcome(string? Error = null, bool Abandoned = false);

/// <summary>Relays Ollama's pull progress to the caller as NDJSON.</summary>
internal static class PullRelay
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>
    /// Reads up to the first line past <c>pulling manifest</c>. The registry's verdict on the name (an unknown model)
    /// arrives in this phase, and while nothing has been written to the caller it can still be an HTTP status.
    /// </summary>
    public static async Task<List<OllamaPullProgress>> ReadManifestPhaseAsync(IAsyncEnumerator<OllamaPullProgress> progress)
    {
        var head = new List<OllamaPullProgress>();
        while (await progress.MoveNextAsync())
        {
            var line = progress.Current;
            if (line.Error is { } error) throw new OllamaException(error);
            head.Add(line);
            if (line.Status != OllamaPullProgress.PullingManifest) break;
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
        List<OllamaPullProgress> head,
        IAsyncEnumerator<OllamaPullProgress> rest,
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
                if (line.Error is { } failed)
                {
                    await WriteAsync(response, Failure(failed), cancellationToken);
                    return new PullOutcome(failed);
                }

                if (line.Status == OllamaPullProgress.Success)
                {
                    var model = await refreshCatalog(cancellationToken);
                    await WriteAsync(response, new PullProgress { Status = OllamaPullProgress.Success, Model = model, Upstream = upstream }, cancellationToken);
                    return new PullOutcome();
                }

                // Ollama's newer registry client reports layer progress without a status.
                await WriteAsync(response, new PullProgress { Status = line.Status ?? "pulling", Digest = line.Digest, Total = line.Total, Completed = line.Completed }, cancellationToken);
            }

            error = "Ollama ended the stream before reporting success.";
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away; the read or write that noticed may throw any of several exception types.
            return new PullOutcome(Abandoned: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OllamaException)
        {
            error = $"The connection to Ollama broke: {ex.Message}";
        }

        await WriteAsync(response, Failure(error), cancellationToken);
        return new PullOutcome(error);
    }

    private static PullProgress Failure(string error) => new() { Status = PullProgress.ErrorStatus, Error = error };

    private static async IAsyncEnumerable<OllamaPullProgress> Concat(List<OllamaPullProgress> head, IAsyncEnumerator<OllamaPullProgress> rest)
    {
        foreach (var line in head) yield return line;
        while (await rest.MoveNextAsync()) yield return rest.Current;
    }

    /// <summary>One object per line, flushed, so a progress bar moves as the download does.</summary>
    private static async Task WriteAsync(HttpResponse response, PullProgress progress, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(progress, NexusJson.Options), cancellationToken);
        await response.Body.WriteAsync(NewLine, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
