using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Inference.Ollama;
using OllamaSharp.Models.Exceptions;

namespace Nexus.Services.Inference.Catalog;

/// <summary>A model and the upstream that serves it.</summary>
internal sealed record UpstreamModel(ModelDescriptor Model, UpstreamOptions Upstream);

/// <summary>
/// The union of the upstreams' catalogs: Ollama's native listing (with context lengths) for Ollama upstreams,
/// <c>GET /v1/models</c> for the others. Refreshed at most every <see cref="InferenceOptions.CatalogRefresh"/>, or at
/// once through <see cref="RefreshAsync"/>; an unreachable upstream contributes nothing and is named in
/// <see cref="UnreachableAsync"/>.
/// </summary>
internal sealed partial class UpstreamCatalog(
    OpenAICatalog openAI,
    OllamaCatalog ollama,
    IOptions<InferenceOptions> options,
    TimeProvider time,
    ILogger<UpstreamCatalog> logger) : IModelCatalog
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _snapshot;

    /// <summary>Upstreams that did not answer the last refresh, with why.</summary>
    public async Task<IReadOnlyList<string>> UnreachableAsync(CancellationToken cancellationToken) => (await SnapshotAsync(force: false, cancellationToken)).Unreachable;

    /// <summary>The model a request names, by <see cref="ModelNames.Find"/>'s rule (<c>llama3.2</c> finds <c>llama3.2:latest</c>).</summary>
    public async Task<UpstreamModel?> FindAsync(string model, CancellationToken cancellationToken) =>
        ModelNames.Find((await SnapshotAsync(force: false, cancellationToken)).Models, model);

    public async ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken) =>
        (await SnapshotAsync(force: false, cancellationToken)).Models.Select(m => m.Model).ToList();

    /// <summary>Fetches the catalogs now, so a change an upstream just made (a pulled model) shows without waiting for the refresh interval.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken) => await SnapshotAsync(force: true, cancellationToken);

    private async Task<Snapshot> SnapshotAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && _snapshot is { } fresh && time.GetUtcNow() - fresh.At < options.Value.CatalogRefresh) return fresh;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            // A forced refresh must not reuse a snapshot fetched by a caller that started before the change it wants to see.
            if (!force && _snapshot is { } again && time.GetUtcNow() - again.At < options.Value.CatalogRefresh) return again;
            var models = new List<UpstreamModel>();
            var unreachable = new List<string>();
            foreach (var upstream in options.Value.Upstreams)
            {
                try
                {
                    var listed = upstream.Kind == Upstreams.OllamaKind
                        ? await ollama.ListAsync(upstream, cancellationToken)
                        : await openAI.ListAsync(upstream, cancellationToken);
                    models.AddRange(listed.Select(model => new UpstreamModel(model, upstream)));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or OllamaException && !cancellationToken.IsCancellationRequested)
                {
                    LogUnreachable(logger, upstream.Name, ex.Message);
                    unreachable.Add($"{upstream.Name} ({upstream.Url}): {ex.Message}");
                }
            }

            _snapshot = new Snapshot(time.GetUtcNow(), models, unreachable);
            return _snapshot;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private sealed record Snapshot(DateTimeOffset At, IReadOnlyList<UpstreamModel> Models, IReadOnlyList<string> Unreachable);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Inference upstream {Upstream} did not list its models: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string upstream, string reason);
}
