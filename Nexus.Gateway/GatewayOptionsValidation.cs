using Microsoft.Extensions.Options;

namespace Nexus.Gateway;

/// <summary>Checks what data annotations cannot: every static upstream URL is absolute http(s). Reports all errors together.</summary>
internal sealed class GatewayOptionsValidation : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        foreach (var (kind, routes) in new[] { ("Models", options.Routes.Models), ("Services", options.Routes.Services) })
        {
            foreach (var (route, upstreams) in routes)
            {
                if (upstreams.Count == 0) errors.Add($"Nexus:Gateway:Routes:{kind}:{route} lists no upstream.");
                for (var i = 0; i < upstreams.Count; i++)
                {
                    if (!Uri.TryCreate(upstreams[i].Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    {
                        errors.Add($"Nexus:Gateway:Routes:{kind}:{route}:{i}:Url must be an absolute http(s) URL, not '{upstreams[i].Url}'.");
                    }
                }
            }
        }

        foreach (var (route, rule) in options.Canaries)
        {
            if (string.IsNullOrWhiteSpace(rule.Version)) errors.Add($"Nexus:Gateway:Canaries:{route}:Version is required.");
            if (rule.WeightPercent is < 0 or > 100) errors.Add($"Nexus:Gateway:Canaries:{route}:WeightPercent must be 0 to 100.");
            if (rule.RollbackMargin is < 0 or > 1) errors.Add($"Nexus:Gateway:Canaries:{route}:RollbackMargin must be 0 to 1.");
            if (rule.MinRequests < 1) errors.Add($"Nexus:Gateway:Canaries:{route}:MinRequests must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
