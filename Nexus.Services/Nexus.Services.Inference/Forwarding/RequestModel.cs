using System.Text.Json;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Services.Inference.Forwarding;

/// <summary>The one field of an OpenAI request body this service reads: <c>model</c>, which picks the upstream.</summary>
internal static class RequestModel
{
    /// <summary>
    /// Reads the body's <c>model</c> (null when it is absent or not a string); answers the client's error when the body
    /// cannot be read. Invalid UTF-8 and lone surrogates are client errors too: the JSON parser lets them pass inside a
    /// string and only decoding the string finds them, so both steps are checked here, for every route that forwards.
    /// </summary>
    public static IResult? Read(byte[] body, out string? model)
    {
        model = null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var value) || value.ValueKind != JsonValueKind.String) return null;
            model = value.GetString();
            return null;
        }
        catch (JsonException ex)
        {
            return OpenAIErrors.BadRequest($"The request body is not valid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return OpenAIErrors.BadRequest($"'model' is not valid text: {ex.Message}", "model");
        }
    }
}
