namespace Nexus.Gateway.Mcp;

/// <summary>
/// The MCP specification's rule against DNS rebinding: a request's <c>Origin</c>, when present, must be the gateway's
/// own (the host the request was sent to) or one the operator allows; anything else is refused.
/// </summary>
internal static class McpOrigin
{
    public static bool IsAllowed(HttpRequest request, IReadOnlyList<string> allowed)
    {
        var origins = request.Headers.Origin;
        if (origins.Count == 0) return true;
        if (origins.Count > 1 || !TryNormalise(origins[0], out var origin)) return false; // includes the opaque "null"
        if (allowed.Any(a => TryNormalise(a, out var allowedOrigin) && allowedOrigin == origin)) return true;
        var host = new Uri(origin).Authority;
        return request.Host.HasValue && string.Equals(host, new Uri(request.Scheme + "://" + request.Host.Value).Authority, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>scheme://host[:port]</c> in lower case, without a default port; false for anything else.</summary>
    public static bool TryNormalise(string? value, out string origin)
    {
        origin = "";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            return false;
        }

        origin = uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        return true;
    }
}
