namespace Nexus.Gateway.Security;

/// <summary>
/// A path a descriptor declares (its health endpoint, a function's path) is only ever a path on the instance's
/// registered base URL: never another host (<c>//evil/x</c>, <c>/http://127.0.0.1:18604/x</c>), never above the
/// base path (<c>/../x</c>, <c>/%2e%2e/x</c>).
/// </summary>
internal static class RelativeEndpoint
{
    /// <summary>Why <paramref name="path"/> is not a plain path under a base URL, or <c>null</c>.</summary>
    public static string? Problem(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/') return "must be a path starting with '/'.";
        if (path.Length > 1 && path[1] == '/') return "must not start with '//', which names another host.";
        if (path.Contains('\\', StringComparison.Ordinal)) return "must not contain '\\', which some servers read as '/'.";
        if (path.Any(c => char.IsControl(c) || char.IsWhiteSpace(c))) return "must not contain spaces or control characters.";
        if (path.Contains('#', StringComparison.Ordinal)) return "must not have a fragment.";

        var pathOnly = path.Split('?', 2)[0];
        var segments = pathOnly[1..].Split('/');
        // "http:", "//x" and the like: resolved against a base URL, a first segment with a colon is an absolute URL.
        if (segments[0].Contains(':', StringComparison.Ordinal) || Uri.UnescapeDataString(segments[0]).Contains(':', StringComparison.Ordinal))
        {
            return "must be a path on the instance's base URL, not a URL.";
        }

        if (segments.Select(Uri.UnescapeDataString).Any(s => s is "." or ".." || s.Contains('/', StringComparison.Ordinal) || s.Contains('\\', StringComparison.Ordinal)))
        {
            return "must not contain '.', '..' or encoded '/' segments, which could leave the instance's base path.";
        }

        return null;
    }

    /// <summary>The URL of a (checked) path on a base URL: the base path, then the path.</summary>
    public static Uri Resolve(Uri baseUrl, string path) => new(baseUrl.ToString().TrimEnd('/') + "/" + path.TrimStart('/'));
}
