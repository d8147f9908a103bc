using System.Buffers;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using Nexus.Gateway.Forwarding;

namespace Nexus.Gateway.Usage.Tokens;

/// <summary>
/// The prompt's size in tokens, counted with the model's own tokenizer where the gateway has it (OpenAI's model
/// families, and all-MiniLM-L6-v2's embeddings through <see cref="MiniLMPrompt"/>), for the reservation against rate limits and budgets and the bill of an answer without usage. What is
/// counted is the text the model reads: chat messages (each string field, plus OpenAI's framing of three tokens per
/// message, one per name and three for the reply), a completion's <c>prompt</c>, an embedding's <c>input</c> (token
/// arrays counted as they are). Structures the text sits beside (image parts, tool definitions and calls) keep the
/// estimate of four bytes a token, as does every request while the model's tokenizer is still being built. The
/// upstream's reported usage still corrects the reservation afterwards.
/// </summary>
internal static class PromptTokens
{
    /// <summary>
    /// Text counted exactly per request; beyond it, four bytes a token. Counting is linear in the text and not cheap
    /// (about 6 ms per 100 KB on a loaded 2-core machine, bench/gateway/TokenCount): without a cap, a body at the size
    /// limit would hold a core for seconds, at every other tenant's cost. 64 Ki characters is some 16 000 tokens.
    /// </summary>
    internal const int MaxCountedChars = 1 << 16;

    /// <summary>The bytes-per-token estimate, for models without a tokenizer here and for what is not text.</summary>
    public static long Estimate(int bytes) => bytes / 4 + 1;

    /// <summary>The prompt tokens of a JSON body already validated by <see cref="JsonRequestScan"/>; the estimate for a model or endpoint without a tokenizer here.</summary>
    public static long Count(string model, GatewayEndpoint endpoint, ReadOnlySpan<byte> body)
    {
        if (endpoint.Name == "embeddings" && MiniLMWordPieces.Serves(model)) return MiniLMPrompt.Count(body);
        var field = endpoint.Name switch
        {
            "chat.completions" => "messages"u8,
            "completions" => "prompt"u8,
            "embeddings" => "input"u8,
            _ => default,
        };
        if (field.IsEmpty || OpenAITokenizers.For(model) is not { } tokenizer) return Estimate(body.Length);
        var counter = new Counter(tokenizer);
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isField = reader.ValueTextEquals(field);
                var isTools = reader.ValueTextEquals("tools"u8) || reader.ValueTextEquals("functions"u8);
                reader.Read();
                if (isField && endpoint.Name == "chat.completions") counter.Messages(ref reader);
                else if (isField) counter.Input(ref reader);
                else if (isTools) counter.Structure(ref reader);
                else reader.Skip();
            }

            return Math.Max(1, counter.Tokens);
        }
        catch (JsonException)
        {
            return Estimate(body.Length); // cannot happen after the scan; the estimate rather than a failed request
        }
        finally
        {
            counter.Dispose();
        }
    }

    private ref struct Counter(Tokenizer tokenizer)
    {
        private char[]? _buffer;
        private int _counted;

        public long Tokens;

        // OpenAI's framing of a chat prompt: <|start|>{role}\n{content}<|end|>\n per message, then <|start|>assistant.
        private const int PerMessage = 3, PerName = 1, ReplyPriming = 3;

        public void Messages(ref Utf8JsonReader reader)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                Structure(ref reader);
                return;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    Structure(ref reader);
                    continue;
                }

                Tokens += PerMessage;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isName = reader.ValueTextEquals("name"u8);
                    var isContent = reader.ValueTextEquals("content"u8);
                    reader.Read();
                    if (isName) Tokens += PerName;
                    if (reader.TokenType == JsonTokenType.String) Text(ref reader);
                    else if (isContent && reader.TokenType == JsonTokenType.StartArray) Parts(ref reader);
                    else if (reader.TokenType is not JsonTokenType.Null) Structure(ref reader);
                }
            }

            Tokens += ReplyPriming;
        }

        // Content parts: a text part's text counted, any other part (an image, audio, a file) estimated from its bytes.
        private void Parts(ref Utf8JsonReader reader)
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    Structure(ref reader);
                    continue;
                }

                var start = reader.TokenStartIndex;
                var estimated = false;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isText = reader.ValueTextEquals("text"u8);
                    var isType = reader.ValueTextEquals("type"u8);
                    reader.Read();
                    if (isText && reader.TokenType == JsonTokenType.String) Text(ref reader);
                    else if (!(isType && reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("text"u8)))
                    {
                        estimated = true;
                        reader.Skip();
                    }
                }

                if (estimated) Tokens += Estimate((int)(reader.BytesConsumed - start));
            }
        }

        // A prompt or input: a string, an array of strings, an array of token ids, or an array of such arrays.
        public void Input(ref Utf8JsonReader reader)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    Text(ref reader);
                    return;
                case JsonTokenType.Number:
                    Tokens++;
                    return;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) Input(ref reader);
                    return;
                default:
                    Structure(ref reader);
                    return;
            }
        }

        public void Structure(ref Utf8JsonReader reader)
        {
            var start = reader.TokenStartIndex;
            reader.Skip();
            Tokens += Estimate((int)(reader.BytesConsumed - start));
        }

        // The string is unescaped into a pooled buffer (never a string of its own) and counted there.
        private void Text(ref Utf8JsonReader reader)
        {
            var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (_counted + length > MaxCountedChars)
            {
                Tokens += Estimate(length);
                return;
            }

            if (_buffer is null || _buffer.Length < length)
            {
                if (_buffer is not null) ArrayPool<char>.Shared.Return(_buffer);
                _buffer = ArrayPool<char>.Shared.Rent(Math.Max(length, 256));
            }

            // UTF-8 never takes fewer bytes than UTF-16 code units, and unescaping only shortens: the buffer is enough.
            var written = reader.CopyString(_buffer);
            _counted += written;
            Tokens += tokenizer.CountTokens(_buffer.AsSpan(0, written));
        }

        public void Dispose()
        {
            if (_buffer is not null) ArrayPool<char>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
