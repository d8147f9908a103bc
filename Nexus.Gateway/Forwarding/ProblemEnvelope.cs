using System.Text.Json;
using Nexus.Contract;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// An upstream's problem details (RFC 7807) as OpenAI's envelope, for answers on OpenAI routes: a service behind
/// <c>/v1/audio/transcriptions</c> that answers 415 in its own format must still reach an OpenAI SDK as an error it
/// can read. Other service functions keep their own format.
/// </summary>
internal static class ProblemEnvelope
{
    /// <summary>Problem documents are small; a larger one is cut, and its message taken from what was read.</summary>
    private const int MaxProblemBytes = 64 * 1024;

    public static async Task<byte[]> FromAsync(HttpContent problem, int status, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxProblemBytes];
        var length = 0;
        await using (var stream = await problem.ReadAsStreamAsync(cancellationToken))
        {
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0) length += read;
        }

        var (message, code) = Read(buffer.AsSpan(0, length));
        var error = new OpenAIError { Message = message ?? "The upstream answered " + status + ".", Type = OpenAIErrorTypes.ForStatus(status), Code = code };
        return JsonSerializer.SerializeToUtf8Bytes(new OpenAIErrorEnvelope(error), NexusJson.Options);
    }

    private static (string? Message, string? Code) Read(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (null, null);
            string? title = null, detail = null, code = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("detail"u8) ? 1 : reader.ValueTextEquals("title"u8) ? 2 : reader.ValueTextEquals("code"u8) ? 3 : 0;
                reader.Read();
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (field == 1) detail = text;
                else if (field == 2) title = text;
                else if (field == 3) code = text;
                reader.Skip();
            }

            return (detail ?? title, code);
        }
        catch (JsonException)
        {
            // Not the problem document it claimed to be, or cut at the bound: the status speaks for itself.
            return (null, null);
        }
        catch (InvalidOperationException)
        {
            // A string that is not valid UTF-8.
            return (null, null);
        }
    }
}
