using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.Services.Inference;

/// <summary>A model and the upstream that serves it.</summary>
internal sealed record UpstreamModel(ModelDescriptor Model, UpstreamOptions Upstream);

/// <summary>
/// The union of the upstreams' catalogs: <c>GET /v1/models</c> from each (Ollama serves it too), plus context
/// lengths from Ollama's native <c>/api/show</c>. Refreshed at most every <see cref="InferenceOptions.CatalogRefresh"/>;
/// an unreachable upstream contributes nothing and is named in <see cref="UnreachableAsync"/>.
/// </summary>
internal sealed partial class UpstreamCatalog(IHttpClientFactory http, IOptions<InferenceOptions> options, TimeProvider time, ILogger<UpstreamCatalog> logger) : IModelCatalog
{
    public const string HttpClientName = "inference-upstream";
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private (DateTimeOffset At, IReadOnlyList<UpstreamModel> Models, IReadOnlyList<string> Unreachable)? _snapshot;

    /// <summary>Upstreams that did not answer the last refresh, with why.</summary>
    public async Task<IReadOnlyList<string>> UnreachableAsync(CancellationToken cancellationToken) => (await SnapshotAsync(cancellationToken)).Unreachable;

    public async Task<UpstreamModel?> FindAsync(string model, CancellationToken cancellationToken) =>
        (await SnapshotAsync(cancellationToken)).Models.FirstOrDefault(m => m.Model.Id == model);

    public async ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken) =>
        (await SnapshotAsync(cancellationToken)).Models.Select(m => m.Model).ToList();

    private async Task<(DateTimeOffset At, IReadOnlyList<UpstreamModel> Models, IReadOnlyList<string> Unreachable)> SnapshotAsync(CancellationToken cancellationToken)
    {
        if (_snapshot is { } fresh && time.GetUtcNow() - fresh.At < options.Value.CatalogRefresh) return fresh;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_snapshot is { } again && time.GetUtcNow() - again.At < options.Value.CatalogRefresh) return again;
            var models = new List<UpstreamModel>();
            var unreachable = new List<string>();
            foreach (var upstream in options.Value.Upstreams)
            {
                try
                {
                    models.AddRange(await ListAsync(upstream, cancellationToken));
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
                {
                    LogUnreachable(logger, upstream.Name, ex.Message);
                    unreachable.Add($"{upstream.Name} ({upstream.Url}): {ex.Message}");
                }
            }

            _snapshot = (time.GetUtcNow(), models, unreachable);
            return _snapshot.Value;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<List<UpstreamModel>> ListAsync(UpstreamOptions upstream, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        using var request = Upstreams.Request(HttpMethod.Get, upstream, "v1/models");
        using var response = await client.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        var models = new List<UpstreamModel>();
        foreach (var entry in list?["data"]?.AsArray() ?? [])
        {
            if (entry?["id"]?.GetValue<string>() is not { Length: > 0 } id) continue;
            var contextLength = upstream.Kind == "ollama" ? await OllamaContextLengthAsync(client, upstream, id, cancellationToken) : null;
            var embedding = id.Contains("embed", StringComparison.OrdinalIgnoreCase);
            models.Add(new UpstreamModel(
                new ModelDescriptor
                {
                    Id = id,
                    OwnedBy = entry["owned_by"]?.GetValue<string>() ?? upstream.Name,
                    InputModalities = ["text"],
                    OutputModalities = [embedding ? "embedding" : "text"],
                    ContextLength = contextLength,
                    Labels = upstream.Labels,
                },
                upstream));
        }

        return models;
    }

    /// <summary>Ollama's <c>/api/show</c> reports <c>model_info["{architecture}.context_length"]</c>.</summary>
    private static async Task<int?> OllamaContextLengthAsync(HttpClient client, UpstreamOptions upstream, string model, CancellationToken cancellationToken)
    {
        using var request = Upstreams.Request(HttpMethod.Post, upstream, "api/show");
        request.Content = JsonContent.Create(new { model });
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) return null;
        var show = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        var info = show?["model_info"]?.AsObject();
        var length = info?.FirstOrDefault(p => p.Key.EndsWith(".context_length", StringComparison.Ordinal)).Value;
        return length?.GetValueKind() == System.Text.Json.JsonValueKind.Number ? length.GetValue<int>() : null;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Inference upstream {Upstream} did not list its models: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string upstream, string reason);
}

/// <summary>Requests to an upstream: its base URL and key.</summary>
internal static class Upstreams
{
    public static HttpRequestMessage Request(HttpMethod method, UpstreamOptions upstream, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(upstream.Url.TrimEnd('/') + "/"), path));
        if (!string.IsNullOrEmpty(upstream.ApiKey)) request.Headers.Authorization = new("Bearer", upstream.ApiKey);
        return request;
    }
}
