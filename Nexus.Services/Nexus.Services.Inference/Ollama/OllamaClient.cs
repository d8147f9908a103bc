using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.Services.Inference.Catalog;

namespace Nexus.Services.Inference.Ollama;

/// <summary>
/// The few calls of Ollama's native API this service makes (<c>/api/show</c> and <c>/api/pull</c>); everything else
/// goes through Ollama's OpenAI-compatible <c>/v1</c> routes like any other upstream.
/// </summary>
internal sealed class OllamaClient(IHttpClientFactory http, IOptions<InferenceOptions> options)
{
    /// <summary>Ollama's <c>/api/show</c> reports <c>model_info["{architecture}.context_length"]</c>; <c>null</c> when it does not.</summary>
    public async Task<int?> ContextLengthAsync(UpstreamOptions upstream, string model, CancellationToken cancellationToken)
    {
        using var request = Upstreams.Request(HttpMethod.Post, upstream, "api/show");
        request.Content = JsonContent.Create(new { model });
        using var response = await Client().SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) return null;
        var show = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        var info = show?["model_info"]?.AsObject();
        var length = info?.FirstOrDefault(p => p.Key.EndsWith(".context_length", StringComparison.Ordinal)).Value;
        return length?.GetValueKind() == JsonValueKind.Number ? length.GetValue<int>() : null;
    }

    /// <summary>
    /// Starts <c>POST /api/pull</c> with streamed progress. Throws <see cref="OllamaException"/> when Ollama refuses the
    /// request, <see cref="HttpRequestException"/> when it cannot be reached, and <see cref="TimeoutException"/> when its
    /// response headers take longer than <see cref="InferenceOptions.UpstreamTimeout"/>.
    /// </summary>
    public async Task<OllamaPull> StartPullAsync(UpstreamOptions upstream, string model, CancellationToken cancellationToken)
    {
        using var request = Upstreams.Request(HttpMethod.Post, upstream, "api/pull");
        request.Content = JsonContent.Create(new { model, stream = true });

        // Only the wait for headers is bounded: a download of many gigabytes legitimately takes longer than any timeout.
        var timeout = options.Value.UpstreamTimeout;
        using var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headersTimeout.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersTimeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Ollama '{upstream.Name}' did not answer within {timeout.TotalSeconds:0} s.");
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw new OllamaException(await ErrorMessageAsync(response, cancellationToken), (int)response.StatusCode);
            }
        }

        return new OllamaPull(response);
    }

    /// <summary>Ollama's errors are <c>{"error":"…"}</c>; a proxy in front of it may answer with anything.</summary>
    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (JsonNode.Parse(body)?["error"] is JsonValue error && error.TryGetValue<string>(out var message)) return message;
        }
        catch (JsonException)
        {
            // Not Ollama's JSON: fall through to the status and the start of the body.
        }

        var excerpt = body.Length > 200 ? body[..200] : body;
        return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}: {excerpt}".TrimEnd(' ', ':');
    }

    private HttpClient Client() => http.CreateClient(UpstreamCatalog.HttpClientName);
}
