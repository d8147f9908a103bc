namespace Nexus.Services.Inference.Catalog;

/// <summary>Requests to an upstream: its base URL and key.</summary>
internal static class Upstreams
{
    public const string OllamaKind = "ollama";

    public static HttpRequestMessage Request(HttpMethod method, UpstreamOptions upstream, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(new Uri(upstream.Url.TrimEnd('/') + "/"), path));
        if (!string.IsNullOrEmpty(upstream.ApiKey)) request.Headers.Authorization = new("Bearer", upstream.ApiKey);
        return request;
    }
}
