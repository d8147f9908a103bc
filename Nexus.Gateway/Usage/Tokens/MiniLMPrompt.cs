using System.Buffers;
using System.Text.Json;

namespace Nexus.Gateway.Usage.Tokens;

/// <summary>
/// The prompt tokens of an embedding request for all-MiniLM-L6-v2: each string of <c>input</c> counted as the inference
/// service reads it (<see cref="MiniLMWordPieces"/>), so the reservation is what the service will report. Each input is
/// cut at the model's 512 pieces, as the service cuts it, so a long text reserves 512, not its full length.
/// </summary>
internal static class MiniLMPrompt
{
    /// <summary>The prompt tokens of a JSON body already validated by the request scan.</summary>
    public static long Count(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        reader.Read();
        char[]? buffer = null;
        var counted = 0;
        long tokens = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isInput = reader.ValueTextEquals("input"u8);
                reader.Read();
                if (!isInput)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenType == JsonTokenType.String)
                {
                    tokens += Text(ref reader, ref buffer, ref counted);
                }
                else if (reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType == JsonTokenType.String) tokens += Text(ref reader, ref buffer, ref counted);
                        else tokens += Structure(ref reader); // token ids, which the service refuses for this model
                    }
                }
                else
                {
                    tokens += Structure(ref reader);
                }
            }

            return Math.Max(1, tokens);
        }
        catch (JsonException)
        {
            return PromptTokens.Estimate(body.Length); // cannot happen after the scan; the estimate rather than a failed request
        }
        finally
        {
            if (buffer is not null) ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static long Text(ref Utf8JsonReader reader, ref char[]? buffer, ref int counted)
    {
        var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        // Beyond the text counted per request, the estimate, still capped at what the model reads of one input.
        if (counted + length > PromptTokens.MaxCountedChars) return Math.Min(MiniLMWordPieces.ContextLength, PromptTokens.Estimate(length) + 2);
        if (buffer is null || buffer.Length < length)
        {
            if (buffer is not null) ArrayPool<char>.Shared.Return(buffer);
            buffer = ArrayPool<char>.Shared.Rent(Math.Max(length, 256));
        }

        // UTF-8 never takes fewer bytes than UTF-16 code units, and unescaping only shortens: the buffer is enough.
        var written = reader.CopyString(buffer);
        counted += written;
        return MiniLMWordPieces.Instance.Count(buffer.AsSpan(0, written));
    }

    private static long Structure(ref Utf8JsonReader reader)
    {
        var start = reader.TokenStartIndex;
        reader.Skip();
        return PromptTokens.Estimate((int)(reader.BytesConsumed - start));
    }
}
