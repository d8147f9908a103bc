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
        Set(Read(usage, "prompt_tokens"), Read(usage, "completion_tokens"), Read(usage, "total_tokens"));
        return true;
    }

    /// <summary>
    /// Reads the top-level <c>usage</c> of a whole JSON answer in one forward pass, skipping the rest unparsed;
    /// returns whether it had one. Throws <see cref="JsonException"/> on malformed JSON before the usage.
    /// </summary>
    public bool Observe(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            reader.Read();
            if (!isUsage)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject) return false;
            long prompt = 0, completion = 0, total = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("prompt_tokens"u8) ? 1 : reader.ValueTextEquals("completion_tokens"u8) ? 2 : reader.ValueTextEquals("total_tokens"u8) ? 3 : 0;
                reader.Read();
                var value = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var n) ? n : 0;
                if (field == 1) prompt = value;
                else if (field == 2) completion = value;
                else if (field == 3) total = value;
                reader.Skip();
            }

            Set(prompt, completion, total);
            return true;
        }

        return false;
    }

    private void Set(long prompt, long completion, long total)
    {
        PromptTokens = prompt;
        CompletionTokens = completion == 0 && total > prompt ? total - prompt : completion;
        HasUsage = true;
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
