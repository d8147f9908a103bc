using System.Text.Json;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// What the gateway needs from a JSON request body, found in one forward-only pass that also validates the whole
/// document: no tree is built for the common case, where the body is forwarded exactly as it came.
/// </summary>
internal ref struct JsonRequestScan
{
    public string? Model;
    public bool ModelIsString;
    public JsonTokenType Stream;
    public JsonTokenType MaxTokens;
    public long MaxTokensValue;
    public bool MaxTokensValid;
    public bool IncludeUsage;
    public string? Duplicate;
    public bool ModelIsNotText;

    /// <summary>Scans <paramref name="body"/>; false when it is not a JSON object. Throws <see cref="JsonException"/> on malformed JSON.</summary>
    public bool Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            if (reader.TokenType != JsonTokenType.None) reader.Skip();
            while (reader.Read()) { } // still reject trailing garbage as malformed
            return false;
        }

        // Each name is seen once: a duplicate 'model' could pass the allow-list with one value and reach the upstream with the other.
        bool seenModel = false, seenStream = false, seenMaxCompletion = false, seenMax = false, seenOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                Once(ref seenModel, "model");
                reader.Read();
                ModelIsString = reader.TokenType == JsonTokenType.String;
                Model = ModelIsString ? TextOrNull(ref reader) : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                Once(ref seenStream, "stream");
                reader.Read();
                // OpenAI's API takes a JSON null as the default (not streamed), and some clients send one.
                Stream = reader.TokenType == JsonTokenType.Null ? JsonTokenType.None : reader.TokenType;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("max_completion_tokens"u8) || reader.ValueTextEquals("max_tokens"u8))
            {
                var completion = reader.ValueTextEquals("max_completion_tokens"u8);
                if (completion) Once(ref seenMaxCompletion, "max_completion_tokens");
                else Once(ref seenMax, "max_tokens");
                reader.Read();
                // max_completion_tokens wins over the older max_tokens, as in OpenAI's API; a JSON null counts as absent.
                if (reader.TokenType != JsonTokenType.Null && (completion || MaxTokens is JsonTokenType.None))
                {
                    MaxTokens = reader.TokenType;
                    MaxTokensValid = reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out MaxTokensValue) && MaxTokensValue >= 0;
                }

                reader.Skip();
            }
            else if (reader.ValueTextEquals("stream_options"u8))
            {
                Once(ref seenOptions, "stream_options");
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) ReadStreamOptions(ref reader);
                else reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        while (reader.Read()) { } // trailing content after the object throws
        return true;
    }

    // The reader accepts invalid UTF-8 and a lone surrogate escape inside a string; only decoding it throws.
    private string? TextOrNull(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString();
        }
        catch (InvalidOperationException)
        {
            ModelIsNotText = true;
            return null;
        }
    }

    private void ReadStreamOptions(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage) IncludeUsage = reader.TokenType == JsonTokenType.True;
            reader.Skip();
        }
    }

    private void Once(ref bool seen, string name)
    {
        if (seen) Duplicate ??= name;
        seen = true;
    }
}
