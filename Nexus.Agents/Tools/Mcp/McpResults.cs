using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Nexus.Agents.Tools.Mcp;

/// <summary>An MCP tool result as the model gets it: text passed (and cut to the limit), binary content stored and referenced.</summary>
internal static class McpResults
{
    public static async Task<object?> ToModelAsync(CallToolResult result, ToolCallContext call, CancellationToken cancellationToken)
    {
        var parts = new List<object>();
        var text = new StringBuilder();
        foreach (var block in result.Content)
        {
            switch (block)
            {
                case TextContentBlock t:
                    text.Append(text.Length > 0 ? "\n" : "").Append(t.Text);
                    break;
                case ImageContentBlock image:
                    parts.Add(await StoreAsync(image.DecodedData, image.MimeType, call, cancellationToken));
                    break;
                case AudioContentBlock audio:
                    parts.Add(await StoreAsync(audio.DecodedData, audio.MimeType, call, cancellationToken));
                    break;
                case EmbeddedResourceBlock { Resource: BlobResourceContents blob }:
                    parts.Add(await StoreAsync(blob.DecodedData, blob.MimeType ?? "application/octet-stream", call, cancellationToken));
                    break;
                case EmbeddedResourceBlock { Resource: TextResourceContents resource }:
                    text.Append(text.Length > 0 ? "\n" : "").Append(resource.Text);
                    break;
                case ResourceLinkBlock link:
                    parts.Add(new { resource = link.Uri, name = link.Name, contentType = link.MimeType });
                    break;
            }
        }

        // Structured content alone (no text block beside it, as the spec asks servers to send) is the result's text.
        if (text.Length == 0 && parts.Count == 0 && result.StructuredContent is { } structured) text.Append(structured.GetRawText());

        var said = call.Truncate(text.ToString());
        if (result.IsError == true) return $"The tool failed: {said}";
        if (parts.Count == 0) return said;
        return JsonSerializer.SerializeToElement(new { text = said.Length > 0 ? said : null, content = parts, note = "Binary content stored; refer to it by its url." });
    }

    private static async Task<object> StoreAsync(ReadOnlyMemory<byte> data, string contentType, ToolCallContext call, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(data.ToArray(), writable: false);
        var blob = await call.Blobs.SaveAsync(content, contentType, cancellationToken);
        call.Blobbed(blob);
        return new { stored = blob.Id, contentType = blob.ContentType, bytes = blob.Bytes, url = blob.Url };
    }
}
