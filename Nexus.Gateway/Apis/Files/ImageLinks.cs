using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Routing;

namespace Nexus.Gateway.Apis.Files;

/// <summary>
/// Turns the image URLs a service hands out (<c>/v1/images/files/{id}.png</c> on the instance, which clients cannot
/// reach) into links to the gateway: the instance's file URL and an expiry, encrypted and signed with Data
/// Protection, so the link names no internal address, cannot be forged or altered, and stops working when it expires.
/// </summary>
internal sealed partial class ImageLinks(TimeProvider time, IOptions<ImageLinkOptions> options)
{
    public const string Path = "/v1/images/files";

    private const string ApplicationName = "Nexus.Gateway";

    /// <summary>
    /// The largest answer read whole to replace its URLs. An answer of links is a few hundred bytes an image (its
    /// revised prompt at most 4000 characters); one declared larger carries the images themselves (b64_json) and
    /// streams through unread.
    /// </summary>
    public const long MaxAnswerBytes = 1024 * 1024;

    // Made at the first link, not at start: Data Protection's key ring is XML, and registering it in the host
    // (AddDataProtection) reads the ring at start, which mapped System.Private.Xml and its siblings into every
    // gateway process, links or not.
    private readonly Lazy<IDataProtector> _protector = new(() => CreateProtector(options.Value));

    /// <summary>
    /// The images answer with each of the instance's file URLs replaced by a gateway link; <c>null</c> when there is
    /// nothing to replace (no such URL, or an answer that is not an images object), so the answer passes unchanged.
    /// </summary>
    public byte[]? Rewrite(ReadOnlySpan<byte> json, Upstream instance, HttpRequest request)
    {
        // Most answers carry the images themselves: no link to make, no tree to build.
        if (json.IndexOf("/v1/images/files/"u8) < 0) return null;
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }

        if (root is not JsonObject { } answer || answer["data"] is not JsonArray data) return null;
        var gateway = $"{request.Scheme}://{request.Host}{request.PathBase}";
        var expires = time.GetUtcNow() + options.Value.Lifetime;
        var changed = false;
        foreach (var item in data)
        {
            if (item is JsonObject image && image["url"] is JsonValue value && value.TryGetValue<string>(out var url) && Source(url, instance.BaseUrl, request) is { } source)
            {
                image["url"] = $"{gateway}{Path}/{Protect(source, !instance.FromRegistry, expires)}.png";
                changed = true;
            }
        }

        return changed ? JsonSerializer.SerializeToUtf8Bytes(answer) : null;
    }

    /// <summary>
    /// The instance's file URL a link stands for and whether it is a static upstream's, or <c>null</c> for a link that
    /// is forged, altered or expired.
    /// </summary>
    public (Uri Source, bool Static)? Open(string token)
    {
        string text;
        try
        {
            text = _protector.Value.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }

        // "<expiry, Unix seconds> <s: static upstream, r: registered instance> <file URL>"
        var parts = text.Split(' ', 3);
        if (parts.Length != 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)) return null;
        if (time.GetUtcNow().ToUnixTimeSeconds() >= expires) return null;
        return Uri.TryCreate(parts[2], UriKind.Absolute, out var source) ? (source, parts[1] == "s") : null;
    }

    private string Protect(Uri source, bool isStatic, DateTimeOffset expires) =>
        _protector.Value.Protect(string.Create(CultureInfo.InvariantCulture, $"{expires.ToUnixTimeSeconds()} {(isStatic ? "s" : "r")} {source.AbsoluteUri}"));

    /// <summary>
    /// The file on the instance, for a URL the instance made for one of its own files: its path is a file path, and it
    /// names the instance or, as a service builds it from the Host it was sent, the gateway. Any other URL (a CDN's,
    /// an external provider's) is the client's to fetch, and stays.
    /// </summary>
    private static Uri? Source(string url, Uri instance, HttpRequest request)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var given) || given.Scheme is not ("http" or "https") || !FilePath().IsMatch(given.AbsolutePath)) return null;
        var own = string.Equals(given.Authority, instance.Authority, StringComparison.OrdinalIgnoreCase)
            || string.Equals(given.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
        return own ? new Uri(instance, given.AbsolutePath) : null;
    }

    /// <summary>The key ring in <see cref="ImageLinkOptions.KeysPath"/> when set (shared by every replica), else Data Protection's default place.</summary>
    private static IDataProtector CreateProtector(ImageLinkOptions options)
    {
        var provider = options.KeysPath is { Length: > 0 } keys
            ? DataProtectionProvider.Create(new DirectoryInfo(keys), builder => builder.SetApplicationName(ApplicationName))
            : DataProtectionProvider.Create(ApplicationName);
        return provider.CreateProtector("Nexus.Gateway.ImageLinks.v1");
    }

    [GeneratedRegex(@"^(/[^/]+)*/v1/images/files/[A-Za-z0-9_-]{1,128}\.png$")]
    private static partial Regex FilePath();
}
