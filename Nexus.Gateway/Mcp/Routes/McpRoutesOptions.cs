using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>
/// The MCP routes of configuration, <c>Nexus:Gateway:McpRoutes:{name}</c> with <c>Url</c>, <c>BearerToken</c> and
/// <c>Headers</c>; the admin API's stored routes go over them.
/// </summary>
public sealed class McpRoutesOptions
{
    public const string SectionName = "Nexus:Gateway:McpRoutes";

    public Dictionary<string, McpRouteUpstream> Routes { get; } = new(StringComparer.Ordinal);
}

/// <summary>Every problem of the configured MCP routes, reported together at start.</summary>
internal sealed class McpRoutesOptionsValidation : IValidateOptions<McpRoutesOptions>
{
    public ValidateOptionsResult Validate(string? name, McpRoutesOptions options)
    {
        var errors = new List<string>();
        foreach (var (route, upstream) in options.Routes)
        {
            var where = $"{McpRoutesOptions.SectionName}:{route}";
            errors.AddRange(McpRouteRules.NameProblems(route).Select(p => $"{where}: {p}"));
            errors.AddRange(McpRouteRules.UpstreamProblems(upstream, where + ":").Select(p => $"{p.Field}: {p.Problem}"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
