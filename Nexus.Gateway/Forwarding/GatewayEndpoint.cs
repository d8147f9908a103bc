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
