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

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
