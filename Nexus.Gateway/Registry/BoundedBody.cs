namespace Nexus.Gateway.Registry;

/// <summary>Reads a body into memory only up to a limit, so an oversized descriptor costs no more than the limit.</summary>
internal static class BoundedBody
{
    /// <summary>The bytes, or <c>null</c> when the stream holds more than <paramref name="limit"/>.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
