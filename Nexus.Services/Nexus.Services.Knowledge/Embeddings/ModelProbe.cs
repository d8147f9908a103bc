using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Nexus.Services.Knowledge.Embeddings;

/// <summary>
/// Whether an endpoint serves a model, from its <c>GET /v1/models</c> (the gateway lists only models something ready
/// serves): readiness without spending tokens. The last answer is kept for <c>Knowledge:ReadinessCacheDuration</c>, so
/// the registry's frequent probes do not each reach the endpoint.
/// </summary>
internal sealed class ModelProbe(IHttpClientFactory httpClients, IOptions<KnowledgeOptions> options, TimeProvider time)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private readonly Dictionary<(Uri, string), (DateTimeOffset At, string? Problem)> _last = [];

    /// <summary><c>null</c> when the endpoint lists the model, else why it cannot be used.</summary>
    public async Task<string?> ProblemAsync(Upstream upstream, string model, CancellationToken cancellationToken)
    {
        if (upstream.BaseUrl is null) return upstream.Unconfigured;
        var key = (upstream.BaseUrl, model);
        lock (_lock)
        {
            if (_last.TryGetValue(key, out var last) && time.GetUtcNow() - last.At < options.Value.ReadinessCacheDuration) return last.Problem;
        }

        var problem = await ProbeAsync(upstream, model, cancellationToken);
        lock (_lock) _last[key] = (time.GetUtcNow(), problem);
        return problem;
    }

    private async Task<string?> ProbeAsync(Upstream upstream, string model, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(upstream.BaseUrl!, "v1/models"));
        if (upstream.ApiKey is { Length: > 0 } apiKey) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        try
        {
            using var response = await httpClients.CreateClient(Upstream.HttpClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) return $"The {upstream.What} endpoint at {upstream.BaseUrl} answered GET /v1/models with HTTP {(int)response.StatusCode}.";
            using var models = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(timeout.Token), cancellationToken: timeout.Token);
            var listed = models.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array
                && data.EnumerateArray().Any(m => m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == model);
            return listed ? null : $"The {upstream.What} endpoint at {upstream.BaseUrl} does not list the model '{model}' as ready.";
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"The {upstream.What} endpoint at {upstream.BaseUrl} cannot be reached: {(ex is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : ex.Message)}";
        }
    }
}

/// <summary>Ready while the embeddings endpoint serves the embedding model: without it nothing can be ingested or searched.</summary>
internal sealed class EmbeddingsHealthCheck(ModelProbe probe, Upstreams upstreams, IOptions<KnowledgeOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var model = options.Value.Embeddings.Model;
        return await probe.ProblemAsync(upstreams.Embeddings, model, cancellationToken) is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy($"'{model}' is served at {upstreams.Embeddings.BaseUrl}.");
    }
}

/// <summary>Degraded (still routed: retrieval works) while answers cannot be written: no chat model set, or not served.</summary>
internal sealed class ChatHealthCheck(ModelProbe probe, Upstreams upstreams, IOptions<KnowledgeOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.Chat.Model is not { Length: > 0 } model) return HealthCheckResult.Degraded(Answering.Answerer.NoChatModel);
        return await probe.ProblemAsync(upstreams.Chat, model, cancellationToken) is { } problem
            ? HealthCheckResult.Degraded($"answer is unavailable: {problem}")
            : HealthCheckResult.Healthy($"'{model}' is served at {upstreams.Chat.BaseUrl}.");
    }
}
