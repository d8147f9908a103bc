using System.Text.Json;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Services.Inference.Embeddings;

/// <summary>An OpenAI embedding request as the local model takes it.</summary>
internal sealed record EmbeddingInput(IReadOnlyList<string> Texts, bool Base64);

/// <summary>Reads OpenAI's embedding request, answering what the local model cannot take with a 400 in OpenAI's envelope.</summary>
internal static class EmbeddingInputs
{
    public static IResult? Read(byte[] body, int maxInputs, out EmbeddingInput? input)
    {
        input = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return OpenAIErrors.BadRequest("The request body must be a JSON object.");

            if (root.TryGetProperty("dimensions", out var dimensions) && dimensions.ValueKind != JsonValueKind.Null
                && !(dimensions.ValueKind == JsonValueKind.Number && dimensions.TryGetInt32(out var size) && size == LocalEmbeddingModel.Dimensions))
            {
                return OpenAIErrors.BadRequest($"'{LocalEmbeddingModel.Id}' has a fixed size of {LocalEmbeddingModel.Dimensions} dimensions; 'dimensions' cannot change it.", "dimensions");
            }

            var base64 = false;
            if (root.TryGetProperty("encoding_format", out var format) && format.ValueKind != JsonValueKind.Null)
            {
                var name = format.ValueKind == JsonValueKind.String ? format.GetString() : null;
                if (name is not ("float" or "base64")) return OpenAIErrors.BadRequest("'encoding_format' must be 'float' or 'base64'.", "encoding_format");
                base64 = name == "base64";
            }

            if (!root.TryGetProperty("input", out var value) || value.ValueKind == JsonValueKind.Null) return OpenAIErrors.BadRequest("'input' is required.", "input");
            var texts = new List<string>();
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    texts.Add(value.GetString()!);
                    break;
                case JsonValueKind.Array:
                    if (value.GetArrayLength() == 0) return OpenAIErrors.BadRequest("'input' must not be an empty array.", "input");
                    if (value.GetArrayLength() > maxInputs) return OpenAIErrors.BadRequest($"'input' has {value.GetArrayLength()} items; at most {maxInputs} are allowed in one request.", "input");
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        if (item.ValueKind is JsonValueKind.Number or JsonValueKind.Array)
                        {
                            // OpenAI's token arrays are ids of OpenAI's tokenizers; this model has its own WordPiece vocabulary.
                            return OpenAIErrors.BadRequest($"'input' as token ids is not supported by '{LocalEmbeddingModel.Id}', whose tokenizer is not OpenAI's: send the text.", "input");
                        }

                        if (item.ValueKind != JsonValueKind.String) return OpenAIErrors.BadRequest($"'input[{i}]' must be a string.", "input");
                        texts.Add(item.GetString()!);
                        i++;
                    }

                    break;
                default:
                    return OpenAIErrors.BadRequest("'input' must be a string or an array of strings.", "input");
            }

            for (var i = 0; i < texts.Count; i++)
            {
                if (texts[i].Length == 0) return OpenAIErrors.BadRequest(texts.Count == 1 ? "'input' must not be empty." : $"'input[{i}]' must not be empty.", "input");
            }

            input = new EmbeddingInput(texts, base64);
            return null;
        }
        catch (JsonException ex)
        {
            return OpenAIErrors.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // Invalid UTF-8 or a lone surrogate inside a string: the parser lets them pass, decoding finds them.
            return OpenAIErrors.BadRequest($"'input' is not valid text: {ex.Message}", "input");
        }
    }
}
