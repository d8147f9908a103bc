using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Forwarding;

/// <summary>How the gateway reads a request body to find the model and the tokens to reserve.</summary>
internal enum BodyKind
{
    /// <summary>An OpenAI JSON body with a <c>model</c> field.</summary>
    Json,

    /// <summary>An OpenAI multipart form with a <c>model</c> field (transcriptions).</summary>
    Multipart,

    /// <summary>A service function's body, forwarded as it is.</summary>
    Passthrough,
}

/// <summary>One OpenAI-compatible route of the gateway.</summary>
internal sealed record GatewayEndpoint(string Name, string Path, string Scope, BodyKind Body, bool CountsCompletionTokens, bool CanStream);

/// <summary>The gateway's routes, and which service functions serve a model.</summary>
internal static class GatewayEndpoints
{
    public static IReadOnlyList<GatewayEndpoint> OpenAI { get; } =
    [
        new("chat.completions", "/v1/chat/completions", EndpointScopes.Chat, BodyKind.Json, CountsCompletionTokens: true, CanStream: true),
        new("completions", "/v1/completions", EndpointScopes.Completions, BodyKind.Json, CountsCompletionTokens: true, CanStream: true),
        new("embeddings", "/v1/embeddings", EndpointScopes.Embeddings, BodyKind.Json, CountsCompletionTokens: false, CanStream: false),
        new("images.generations", "/v1/images/generations", EndpointScopes.Images, BodyKind.Json, CountsCompletionTokens: false, CanStream: true),
        new("audio.speech", "/v1/audio/speech", EndpointScopes.Speech, BodyKind.Json, CountsCompletionTokens: false, CanStream: true),
        new("audio.transcriptions", "/v1/audio/transcriptions", EndpointScopes.Transcriptions, BodyKind.Multipart, CountsCompletionTokens: false, CanStream: false),
    ];

    public static GatewayEndpoint Services { get; } = new("services", "/v1/services", "services", BodyKind.Passthrough, CountsCompletionTokens: false, CanStream: false);

    /// <summary>
    /// The OpenAI endpoint a service function serves, when a <c>POST</c> to <c>/v1/services/{service}/{path}</c> reaches
    /// an OpenAI path on the instance (<c>/v1/chat/completions</c>, ...): such a call serves a model, and the gateway
    /// applies that endpoint's rules to it (model allow-list, scope, token reservation, usage). Compared as the
    /// instance's router would match it: case-insensitively, repeated and trailing slashes and encoded slashes ignored.
    /// </summary>
    public static GatewayEndpoint? ServedBy(string method, string? path)
    {
        if (path is null || !HttpMethods.IsPost(method)) return null;
        var normal = Normalise(path);
        foreach (var endpoint in OpenAI)
        {
            if (string.Equals(normal, endpoint.Path, StringComparison.OrdinalIgnoreCase)) return endpoint;
        }

        return null;
    }

    private static string Normalise(string path)
    {
        var text = path.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase).Replace('\\', '/');
        var segments = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', segments);
    }
}
