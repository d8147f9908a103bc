using Nexus.Services.Inference.Catalog;
using OllamaSharp;
using OllamaSharp.Models;

namespace Nexus.Services.Inference.Ollama;

/// <summary>OllamaSharp's client for an Ollama upstream, over the service's upstream HTTP client (its timeout, its telemetry).</summary>
internal sealed class OllamaClients(IHttpClientFactory http)
{
    /// <summary>A client per call, as <see cref="IHttpClientFactory"/> intends: the handlers underneath are pooled and rotated.</summary>
    public OllamaApiClient For(UpstreamOptions upstream)
    {
        var client = http.CreateClient(Upstreams.HttpClientName);
        // OllamaSharp's routes are relative (api/tags): the base must end with a slash to keep a path prefix.
        client.BaseAddress = Upstreams.BaseAddress(upstream);
        if (!string.IsNullOrEmpty(upstream.ApiKey)) client.DefaultRequestHeaders.Authorization = new("Bearer", upstream.ApiKey);
        return new StreamClosingClient(client);
    }

    /// <summary>
    /// OllamaSharp 5.5 reads a stream's lines (a pull's progress) without the caller's token and checks the token only
    /// between lines, so a caller who leaves while Ollama is silent (a slow registry, a stalled download) would keep the
    /// connection, and the download, going until Ollama's next line. Closing the response when the token is cancelled
    /// ends the pending read at once and closes the connection, which makes Ollama stop.
    /// </summary>
    private sealed class StreamClosingClient(HttpClient client) : OllamaApiClient(client)
    {
        protected override async Task<HttpResponseMessage> SendToOllamaAsync(
            HttpRequestMessage requestMessage, OllamaRequest? ollamaRequest, HttpCompletionOption completionOption, CancellationToken cancellationToken)
        {
            var response = await base.SendToOllamaAsync(requestMessage, ollamaRequest, completionOption, cancellationToken);
            if (completionOption == HttpCompletionOption.ResponseHeadersRead)
            {
                // Lives as long as the caller's token (a request's), which outlasts the response; disposing twice is harmless.
                cancellationToken.Register(static state => ((HttpResponseMessage)state!).Dispose(), response);
            }

            return response;
        }
    }
}
