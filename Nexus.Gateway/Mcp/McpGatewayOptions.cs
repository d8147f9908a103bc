using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Mcp;

/// <summary>The gateway's <c>/mcp</c> (<c>Nexus:Gateway:Mcp</c>).</summary>
public sealed class McpGatewayOptions
{
    public const string SectionName = "Nexus:Gateway:Mcp";

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>) whose browser pages may call <c>/mcp</c> besides the gateway's own host.
    /// A request without <c>Origin</c> (desktop clients, SDKs) is always allowed; any other origin is refused with 403,
    /// as the MCP specification requires against DNS rebinding.
    /// </summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Sessions held at once across all keys; past it, a new session is refused (503) and the oldest idle ones end.</summary>
    [Range(1, 1_000_000)]
    public int MaxSessions { get; set; } = 1000;

    /// <summary>Sessions one key may hold at once, so one tenant cannot use up <see cref="MaxSessions"/> (429 past it).</summary>
    [Range(1, 100_000)]
    public int MaxSessionsPerKey { get; set; } = 20;

    /// <summary>A session with no request for this long ends; its client starts a new one.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tools per <c>tools/list</c> page; a longer list carries a <c>nextCursor</c>.</summary>
    [Range(1, 10_000)]
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// How often the MCP routes are read from the store and every route's server is listed again: how soon a route
    /// added on another replica, a server without sessions that changed its tools, or a server that came back is seen.
    /// </summary>
    public TimeSpan RouteRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long connecting to an MCP route's server and listing its tools may take before the route counts as down.</summary>
    public TimeSpan RouteConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Checks what data annotations cannot, reporting every error together.</summary>
internal sealed class McpGatewayOptionsValidation : IValidateOptions<McpGatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, McpGatewayOptions options)
    {
        var errors = new List<string>();
        if (options.SessionIdleTimeout <= TimeSpan.Zero) errors.Add($"{McpGatewayOptions.SectionName}:SessionIdleTimeout must be positive.");
        if (options.RouteRefreshInterval <= TimeSpan.Zero) errors.Add($"{McpGatewayOptions.SectionName}:RouteRefreshInterval must be positive.");
        if (options.RouteConnectTimeout <= TimeSpan.Zero) errors.Add($"{McpGatewayOptions.SectionName}:RouteConnectTimeout must be positive.");
        if (options.MaxSessionsPerKey > options.MaxSessions) errors.Add($"{McpGatewayOptions.SectionName}:MaxSessionsPerKey must not exceed MaxSessions.");
        foreach (var origin in options.AllowedOrigins)
        {
            if (!McpOrigin.TryNormalise(origin, out _))
            {
                errors.Add($"{McpGatewayOptions.SectionName}:AllowedOrigins: '{origin}' is not an http(s) origin (scheme://host[:port], no path).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
