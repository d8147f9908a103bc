using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// OpenAI's image answer (<c>{"data": [{"b64_json": ...}]}</c>, what <c>/v1/images/generations</c> returns) as MCP
/// <c>image</c> content, each image with the MIME type its bytes show, so an MCP client shows pictures, not base64.
/// </summary>
internal static class ImageResults
{
    /// <summary>The images of the answer, or null when it is no image answer (or an image is of a kind not recognised).</summary>
    public static IList<ContentBlock>? From(JsonObject json)
    {
        if (json["data"] is not JsonArray { Count: > 0 } data) return null;
        var images = new List<ContentBlock>();
        foreach (var item in data)
        {
            if (item?["b64_json"] is not JsonValue value || !value.TryGetValue<string>(out var base64)) return null;
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(base64);
            }
            catch (FormatException)
            {
                return null;
            }

            if (MediaTypeOf(bytes) is not { } mediaType) return null;
            images.Add(ImageContentBlock.FromBytes(bytes, mediaType));
        }

        return images;
    }

    // By the files' signatures: the engines behind the image service answer PNG, and these are the other kinds OpenAI serves.
    private static string? MediaTypeOf(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8) ? "image/webp"
        : bytes.StartsWith("GIF8"u8) ? "image/gif"
        : null;
}
