using Microsoft.ML.Tokenizers;

namespace Nexus.Gateway.Usage.Tokens;

/// <summary>
/// OpenAI's tokenizers (o200k_base, cl100k_base) for the model families that use them. Each is built once, in the
/// background, when the first request for one of its models arrives: building one reads a vocabulary of 100-200
/// thousand entries (about a second and 40 MiB of heap for o200k_base, measured with bench/gateway/TokenCount), so a
/// gateway that never routes an OpenAI-family model never pays for it, and no request waits for it: until it is
/// ready, requests get the byte estimate.
/// </summary>
internal static class OpenAITokenizers
{
    private static readonly Lazy<Task<Tokenizer>> O200k = new(() => Task.Run(() => (Tokenizer)TiktokenTokenizer.CreateForModel("gpt-4o")));
    private static readonly Lazy<Task<Tokenizer>> Cl100k = new(() => Task.Run(() => (Tokenizer)TiktokenTokenizer.CreateForModel("gpt-4")));

    /// <summary>
    /// The tokenizer of an OpenAI-family model id (case-insensitive, an <c>openai/</c> prefix allowed), once it is built;
    /// null for any other model and while it is being built (the first call starts building it).
    /// </summary>
    public static Tokenizer? For(string model) => LoadAsync(model) is { IsCompletedSuccessfully: true } loaded ? loaded.Result : null;

    /// <summary>Starts building the model's tokenizer, or returns the one built; null for a model without one here.</summary>
    public static Task<Tokenizer>? LoadAsync(string model) => EncodingOf(model) switch
    {
        Encoding.O200k => O200k.Value,
        Encoding.Cl100k => Cl100k.Value,
        _ => null,
    };

    internal enum Encoding
    {
        None,
        O200k,
        Cl100k,
    }

    internal static Encoding EncodingOf(string model)
    {
        var name = model.AsSpan();
        if (name.StartsWith("openai/", StringComparison.OrdinalIgnoreCase)) name = name["openai/".Length..];
        // o200k_base: GPT-4o, GPT-4.1 and the o-series reasoning models (o1, o3, o4-mini, with their dated and sized variants).
        if (name.StartsWith("gpt-4o", StringComparison.OrdinalIgnoreCase) || name.StartsWith("chatgpt-4o", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("gpt-4.1", StringComparison.OrdinalIgnoreCase)
            || Family(name, "o1") || Family(name, "o3") || Family(name, "o4"))
        {
            return Encoding.O200k;
        }

        // cl100k_base: GPT-4 (and -turbo, dated), GPT-3.5 and OpenAI's embedding models.
        if (Family(name, "gpt-4") || name.StartsWith("gpt-3.5", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("text-embedding-3-", StringComparison.OrdinalIgnoreCase) || name.Equals("text-embedding-ada-002", StringComparison.OrdinalIgnoreCase))
        {
            return Encoding.Cl100k;
        }

        return Encoding.None;
    }

    // "o1" and "o1-mini", not "o1x"; "gpt-4" and "gpt-4-turbo", not "gpt-4o" or "gpt-4.1" (matched above).
    private static bool Family(ReadOnlySpan<char> name, string family) =>
        name.StartsWith(family, StringComparison.OrdinalIgnoreCase) && (name.Length == family.Length || name[family.Length] == '-');
}
