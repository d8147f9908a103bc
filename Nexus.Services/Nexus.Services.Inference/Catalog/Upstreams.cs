namespace Nexus.Services.Inference.Catalog;

/// <summary>Requests to an upstream: its base URL and key.</summary>
internal static class Upstreams
{
    public const string OllamaKind = "ollama";

    /// <summary>
    /// The named client every upstream call goes through. Its timeout is <see cref="InferenceOptions.UpstreamTimeout"/>,
    /// which for a call that reads the headers first (a forwarded stream, a pull) bounds only the wait for the headers.
    /// </summary>
    public const string HttpClientName = "inference-upstream";

    public static Uri BaseAddress(UpstreamOptions upstream) => new(upstream.Url.TrimEnd('/') + "/");

    public static HttpRequestMessage Request(HttpMethod method, UpstreamOptions upstream, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseAddress(upstream), path));
        if (!string.IsNullOrEmpty(upstream.ApiKey)) request.Headers.Authorization = new("Bearer", upstream.ApiKey);
        return request;
    }
}
