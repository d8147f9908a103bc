using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Nexus.Services.Knowledge.Embeddings;

/// <summary>One OpenAI-compatible endpoint as configured: its base URL (none when nothing says where), key and timeout.</summary>
/// <param name="What">"embeddings" or "chat", for messages.</param>
/// <param name="BaseUrl">The base URL, without <c>/v1</c>; <c>null</c> when nothing configures one.</param>
/// <param name="ApiKey">The bearer key, if any.</param>
/// <param name="Timeout">How long one call may take.</param>
/// <param name="Setting">The setting that configures it, for messages that say what to change.</param>
internal sealed record Upstream(string What, Uri? BaseUrl, string? ApiKey, TimeSpan Timeout, string Setting)
{
    public const string HttpClientName = "Nexus.Knowledge.Upstream";

    /// <summary>Why it cannot be used, when it has no address.</summary>
    public string Unconfigured => $"No {What} endpoint is configured: set {Setting}:Url or Knowledge:Gateway:Url (or Nexus:Registry:Url, the gateway).";

    /// <summary>An OpenAI client over the service's HTTP client (service discovery resolves a named gateway).</summary>
    public OpenAIClient Client(HttpClient http) => new(
        new ApiKeyCredential(ApiKey is { Length: > 0 } key ? key : "none"),
        new OpenAIClientOptions
        {
            Endpoint = new Uri(BaseUrl!, "v1"),
            Transport = new HttpClientPipelineTransport(http),
            NetworkTimeout = Timeout,
            // One retry of a transient failure; a gateway that stays down is the caller's 503 soon, not after four tries.
            RetryPolicy = new ClientRetryPolicy(1),
        });
}

/// <summary>
/// Where embeddings and chat go: their own URL and key when set, else <c>Knowledge:Gateway</c>'s, else the registry's
/// URL, which is the gateway's (the AppHost sets it for every service).
/// </summary>
internal sealed class Upstreams(IOptions<KnowledgeOptions> options, IConfiguration configuration)
{
    public Upstream Embeddings { get; } = Resolve("embeddings", options.Value.Embeddings, options.Value.Gateway, configuration, "Knowledge:Embeddings");

    public Upstream Chat { get; } = Resolve("chat", options.Value.Chat, options.Value.Gateway, configuration, "Knowledge:Chat");

    private static Upstream Resolve(string what, UpstreamOptions own, EndpointOptions gateway, IConfiguration configuration, string setting)
    {
        var url = own.Url ?? gateway.Url ?? configuration["Nexus:Registry:Url"];
        return new Upstream(what, url is null ? null : new Uri(url.TrimEnd('/') + "/"), own.ApiKey ?? gateway.ApiKey, own.Timeout, setting);
    }
}
