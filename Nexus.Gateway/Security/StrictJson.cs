using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Nexus.Gateway.Security;

/// <summary>Why a JSON document was refused, and where (<c>$</c>, <c>$.descriptor.labels</c>, ...).</summary>
internal sealed record JsonProblem(string Path, string Message, bool TooDeep = false);

/// <summary>
/// Accepts only JSON that every part of the gateway can read and write back: UTF-8 (RFC 8259), no escape that encodes
/// half a surrogate pair, no property twice in one object, at most a given number of nested objects and arrays.
/// System.Text.Json's document model throws on a duplicate key or an invalid string only when the value is read, long
/// after parsing, and its writers stop at depth 64: checked here once, in one pass, before anything is kept.
/// </summary>
internal static class StrictJson
{
    /// <summary>The first problem in <paramref name="json"/>, or <c>null</c> when it is sound. The root object or array is level 1.</summary>
    public static JsonProblem? Check(ReadOnlySpan<byte> json, int maxLevels)
    {
        if (!Utf8.IsValid(json)) return new("$", "The body is not valid UTF-8.");

        // The reader's own limit sits above ours, so that ours, with its path, is the one reported.
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxLevels + 2 });
        var open = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var frame = open[^1];
                        frame.Name = reader.GetString()!;
                        if (!frame.Names!.Add(frame.Name)) return new(PathOf(open), $"The property '{frame.Name}' appears twice in one object.");
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        StartValue(open);
                        if (open.Count + 1 > maxLevels)
                        {
                            return new(PathOf(open), $"The document nests objects and arrays more than {maxLevels} levels deep; at most {maxLevels} are accepted.", TooDeep: true);
                        }

                        open.Add(reader.TokenType == JsonTokenType.StartObject ? new Frame { Names = new(StringComparer.Ordinal) } : new Frame());
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        break;
                    default:
                        StartValue(open);
                        if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped) _ = reader.GetString();
                        break;
                }
            }
        }
        catch (InvalidOperationException ex)
        {
            // GetString on an escape such as \ud800 without its pair.
            return new(PathOf(open), $"A string is not valid Unicode: {ex.Message}");
        }
        catch (JsonException ex)
        {
            return new(PathOf(open), $"The body is not valid JSON: {ex.Message}");
        }

        return null;
    }

    private static void StartValue(List<Frame> open)
    {
        if (open.Count > 0 && open[^1].Names is null) open[^1].Index++;
    }

    private static string PathOf(List<Frame> open)
    {
        var path = new StringBuilder("$");
        foreach (var frame in open)
        {
            if (frame.Names is null) path.Append('[').Append(frame.Index).Append(']');
            else if (frame.Name is not null) path.Append('.').Append(frame.Name);
        }

        return path.Length <= 200 ? path.ToString() : path.ToString(0, 197) + "...";
    }

    /// <summary>An open object (with the names seen so far and the current one) or array (with the current index).</summary>
    private sealed class Frame
    {
        public HashSet<string>? Names { get; init; }
        public string? Name { get; set; }
        public int Index { get; set; } = -1;
    }
}
