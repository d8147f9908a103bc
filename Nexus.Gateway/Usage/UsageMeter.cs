using System.Text.Json;

namespace Nexus.Gateway.Usage;

/// <summary>What an upstream answer used, read from its <c>usage</c> object or, failing that, counted from its chunks.</summary>
internal sealed class UsageMeter
{
    public long PromptTokens { get; private set; }
    public long CompletionTokens { get; private set; }

    /// <summary>The upstream reported exact usage.</summary>
    public bool HasUsage { get; private set; }

    /// <summary>Stream chunks that carried generated content (text or tool calls).</summary>
    public long ContentChunks { get; set; }

    /// <summary>The stream ended with <c>[DONE]</c>.</summary>
    public bool Done { get; set; }

    /// <summary>The upstream stream broke off before <c>[DONE]</c>.</summary>
    public bool CutOff { get; set; }

    /// <summary>Reads <c>usage</c> from a response or chunk; returns whether the object carries one.</summary>
    public bool Observe(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object) return false;
        PromptTokens = Read(usage, "prompt_tokens");
        CompletionTokens = Read(usage, "completion_tokens");
        if (CompletionTokens == 0 && Read(usage, "total_tokens") is var total && total > PromptTokens) CompletionTokens = total - PromptTokens;
        HasUsage = true;
        return true;
    }

    /// <summary>
    /// Tokens to bill: exact when the upstream said; otherwise the prompt estimate plus one token per content chunk,
    /// which is how OpenAI-compatible servers stream (a client that hung up is billed for what was produced).
    /// </summary>
    public (long Prompt, long Completion) Billable(long promptEstimate) =>
        HasUsage ? (PromptTokens, CompletionTokens) : (promptEstimate, ContentChunks);

    private static long Read(JsonElement usage, string name) =>
        usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : 0;
}
