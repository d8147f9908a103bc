using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Inference.Catalog;
using Nexus.Services.Inference.Ollama;
using OllamaSharp.Models;
using OllamaPullRequest = OllamaSharp.Models.PullModelRequest;

namespace Nexus.Services.Inference.Pull;

/// <summary>The handler's services.</summary>
internal sealed record PullServices(OllamaClients Ollama, UpstreamCatalog Catalog, IOptions<InferenceOptions> Options, ILogger<PullServices> Logger);

/// <summary><c>POST /v1/models/pull</c>: downloads a model onto an Ollama upstream and streams the progress as NDJSON.</summary>
internal static class PullApi
{
    public const string ContentType = "application/x-ndjson";

    public static void MapPull(this IEndpointRouteBuilder endpoints)
    {
        // OpenAI has no pull, so this route's errors are problem details, as on every route that is not OpenAI's.
        endpoints.MapPost("/v1/models/pull", PullAsync)
            .WithSummary("Pulls a model onto an Ollama upstream, streaming the progress.")
            .WithDescription(
                "Asks Ollama to download the model (POST /api/pull) and relays its progress as newline-delimited JSON, one " +
                "object per line, ending with a 'success' or an 'error' line. After success the model is in /v1/models. " +
                "A name the registry does not know is a 404; an unreachable Ollama a 503.")
            .AsNexusFunction("pull-model", f => f
                .Produces(ContentType)
                .Streaming(StreamingModes.Chunked)
                .Order("model", "upstream")
                .Field("model", label: "Model", help: "An Ollama model name, e.g. qwen3:0.6b")
                .Field("upstream", label: "Upstream", help: "Needed only when several Ollama upstreams are configured")
                .Example("small", new PullModelRequest { Model = "qwen3:0.6b" })
                .Result(UiWidgets.Json));
    }

    private static async Task<IResult> PullAsync(PullModelRequest request, [AsParameters] PullServices services, HttpContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Model)) return Problem(StatusCodes.Status400BadRequest, "Model required", $"'model' is required: {OllamaModelNames.Shape}.");
        var model = request.Model.Trim();
        if (!OllamaModelNames.IsValid(model))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid model name", $"'model' '{model}' is not an Ollama model name; expected {OllamaModelNames.Shape}.");
        }

        var target = PullTargets.Resolve(services.Options.Value.Upstreams, request.Upstream);
        if (target.Result is not Ok<UpstreamOptions> { Value: { } upstream }) return target;

        PullLog.Pulling(services.Logger, model, upstream.Name);
        var cancellationToken = context.RequestAborted;
        using var ollama = services.Ollama.For(upstream);
        // Disposing the enumerator closes the connection, which makes Ollama stop the download.
        await using var progress = ollama.PullModelAsync(new OllamaPullRequest { Model = model, Stream = true }, cancellationToken).GetAsyncEnumerator(cancellationToken);
        List<PullModelResponse> head;
        try
        {
            head = await PullRelay.ReadManifestPhaseAsync(progress);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away; the read that noticed (its response closed under it) may throw any of several types.
            head = [];
        }
        catch (Exception ex) when (PullFailures.IsOllamas(ex))
        {
            PullLog.Failed(services.Logger, model, upstream.Name, ex.Message);
            return PullFailures.Problem(ex, upstream, model, services.Options.Value.UpstreamTimeout);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            PullLog.Abandoned(services.Logger, model, upstream.Name);
            return Results.Empty;
        }

        if (head.Count == 0)
        {
            PullLog.Failed(services.Logger, model, upstream.Name, "empty stream");
            return Problem(StatusCodes.Status502BadGateway, "Ollama failed", $"Ollama '{upstream.Name}' ended the pull of '{model}' without reporting any progress.");
        }

        var outcome = await PullRelay.StreamAsync(context.Response, head, progress, upstream.Name, ct => RefreshCatalogAsync(services.Catalog, model, ct), cancellationToken);
        switch (outcome)
        {
            case { Abandoned: true }:
                PullLog.Abandoned(services.Logger, model, upstream.Name);
                break;
            case { Error: { } error }:
                PullLog.Failed(services.Logger, model, upstream.Name, error);
                break;
            default:
                PullLog.Pulled(services.Logger, model, upstream.Name);
                break;
        }

        return Results.Empty;
    }

    /// <summary>Refreshes the catalog and answers the id the pulled model has there: <c>llama3.2</c> is listed as <c>llama3.2:latest</c>.</summary>
    private static async Task<string> RefreshCatalogAsync(UpstreamCatalog catalog, string model, CancellationToken cancellationToken)
    {
        await catalog.RefreshAsync(cancellationToken);
        return (await catalog.FindAsync(model, cancellationToken))?.Model.Id ?? model;
    }

    internal static ProblemHttpResult Problem(int status, string title, string detail) => TypedResults.Problem(detail, statusCode: status, title: title);
}
