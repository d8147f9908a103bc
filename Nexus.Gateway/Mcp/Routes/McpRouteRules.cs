using System.Text.RegularExpressions;
using Nexus.Gateway.Security;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>What makes an MCP route sound, checked alike for configuration at start and for the admin API.</summary>
internal static partial class McpRouteRules
{
    public const int MaxHeaders = 32;

    // No '.', so "route.tool" splits at its first dot, and short enough to leave room for the tool's own name.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,63}$")]
    private static partial Regex NamePattern();

    // RFC 9110's token: what a header name may be.
    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")]
    private static partial Regex HeaderNamePattern();

    // Headers the MCP transport itself sets: a route may not override them.
    private static readonly HashSet<string> TransportHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Type", "Content-Length", "Accept", "Transfer-Encoding", "Connection", "Mcp-Session-Id", "Mcp-Protocol-Version", "Mcp-Method", "Last-Event-ID",
    };

    public static IEnumerable<string> NameProblems(string? name)
    {
        if (name is null || !NamePattern().IsMatch(name)) yield return "An MCP route's name is 1 to 63 of A-Z, a-z, 0-9, '_' and '-' (its tools are named 'route.tool').";
    }

    /// <summary>Problems with the upstream, each naming its field under <paramref name="where"/>.</summary>
    public static IEnumerable<(string Field, string Problem)> UpstreamProblems(McpRouteUpstream? upstream, string where)
    {
        if (upstream is null)
        {
            yield return (where, "The route has no upstream.");
            yield break;
        }

        if (UpstreamAddressPolicy.UrlProblem(upstream.Url, out _) is { } urlProblem)
        {
            yield return (where + "url", urlProblem.Replace("'apiKey'", "'bearerToken' or 'headers'", StringComparison.Ordinal));
        }

        if (upstream.BearerToken is { } token && (token.Length == 0 || token.Any(char.IsControl) || token.Contains(' ', StringComparison.Ordinal)))
        {
            yield return (where + "bearerToken", "The bearer token must be non-empty, without spaces or control characters.");
        }

        var headers = upstream.Headers ?? [];
        if (headers.Count > MaxHeaders) yield return (where + "headers", $"At most {MaxHeaders} headers.");
        foreach (var (name, value) in headers)
        {
            if (!HeaderNamePattern().IsMatch(name)) yield return (where + "headers", $"'{name}' is not a header name.");
            else if (TransportHeaders.Contains(name)) yield return (where + "headers", $"'{name}' is set by the MCP transport; a route cannot set it.");
            else if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase) && upstream.BearerToken is not null)
            {
                yield return (where + "headers", "Give either 'bearerToken' or an 'Authorization' header, not both.");
            }

            if (value is null || value.Any(c => char.IsControl(c) && c != '\t')) yield return (where + "headers", $"The value of '{name}' must be text without control characters.");
        }
    }
}
