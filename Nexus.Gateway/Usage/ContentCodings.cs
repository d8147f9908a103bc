using System.IO.Compression;
using System.Net.Http.Headers;

namespace Nexus.Gateway.Usage;

/// <summary>
/// The content codings an upstream may answer with (as api.openai.com does for a client's <c>Accept-Encoding: gzip</c>):
/// usage is read from the decoded answer, while the client gets the coded bytes it asked for.
/// </summary>
internal static class ContentCodings
{
    /// <summary>The answer's one coding (<c>gzip</c>, <c>br</c>, <c>deflate</c>), "" when it has none, null for one this gateway cannot decode.</summary>
    public static string? Of(HttpContentHeaders headers)
    {
        var codings = headers.ContentEncoding;
        if (codings.Count == 0) return "";
        if (codings.Count > 1) return null;
        var coding = codings.First();
        return coding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase) ? "gzip"
            : coding.Equals("br", StringComparison.OrdinalIgnoreCase) ? "br"
            : coding.Equals("deflate", StringComparison.OrdinalIgnoreCase) ? "deflate"
            : coding.Equals("identity", StringComparison.OrdinalIgnoreCase) ? ""
            : null;
    }

    // HTTP's "deflate" is the zlib format (RFC 9110, 8.4.1.2).
    public static Stream Decoder(Stream coded, string coding, bool leaveOpen = false) => coding switch
    {
        "gzip" => new GZipStream(coded, CompressionMode.Decompress, leaveOpen),
        "br" => new BrotliStream(coded, CompressionMode.Decompress, leaveOpen),
        _ => new ZLibStream(coded, CompressionMode.Decompress, leaveOpen),
    };

    public static Stream Encoder(Stream output, string coding) => coding switch
    {
        "gzip" => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true),
        "br" => new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true),
        _ => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
    };
}
