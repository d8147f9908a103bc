namespace Nexus.Gateway.Forwarding;

/// <summary>A request body as read, possibly rewritten (usage asked for on streams), and what was learned from it.</summary>
internal sealed record GatewayRequest(
    byte[] Body,
    string? Model,
    bool Stream,
    bool ClientWantsUsage,
    long PromptTokensEstimate,
    long MaxCompletionTokens);
