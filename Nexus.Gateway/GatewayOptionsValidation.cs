using Microsoft.Extensions.Options;
using Nexus.Gateway.Routing.Static;

namespace Nexus.Gateway;

/// <summary>Checks what data annotations cannot: every static upstream URL is absolute http(s) and its labels selectable. Reports all errors together.</summary>
internal sealed class GatewayOptionsValidation : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        foreach (var (kind, routes) in new[] { ("Models", options.Routes.Models), ("Services", options.Routes.Services) })
        {
            foreach (var (route, upstreams) in routes) errors.AddRange(StaticUpstreamRules.UpstreamProblems(upstreams, $"Nexus:Gateway:Routes:{kind}:{route}"));
        }

        if (options.DefaultMaxTokens > options.MaxCompletionTokens)
        {
            errors.Add($"Nexus:Gateway:DefaultMaxTokens ({options.DefaultMaxTokens}) must not exceed Nexus:Gateway:MaxCompletionTokens ({options.MaxCompletionTokens}).");
        }

        foreach (var (route, rule) in options.Canaries)
        {
            if (string.IsNullOrWhiteSpace(rule.Version)) errors.Add($"Nexus:Gateway:Canaries:{route}:Version is required.");
            if (rule.WeightPercent is < 0 or > 100) errors.Add($"Nexus:Gateway:Canaries:{route}:WeightPercent must be 0 to 100.");
            if (rule.RollbackMargin is < 0 or > 1) errors.Add($"Nexus:Gateway:Canaries:{route}:RollbackMargin must be 0 to 1.");
            if (rule.MinRequests < 1) errors.Add($"Nexus:Gateway:Canaries:{route}:MinRequests must be at least 1.");
        }

        errors.AddRange(Keys.BootstrapKeys.Problems(options.BootstrapKeys));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
