using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Nexus.Gateway.Keys;

/// <summary>
/// The peers the gateway believes about the client's address (<c>Nexus:Gateway:TrustedProxies</c>: addresses such as
/// <c>10.0.0.7</c> or networks such as <c>10.0.0.0/24</c>): the UI and any reverse proxy in front of the gateway. From
/// them, the last address of <c>X-Forwarded-For</c> becomes the connection's remote address, so the failed-authentication
/// throttle counts one person's wrong keys against that person's address, not against everyone behind the same UI.
/// From any other peer the header is ignored, so a guesser cannot dodge the throttle by inventing addresses. Unset
/// (the default): no peer is trusted.
/// </summary>
internal static class AuthThrottleProxies
{
    public const string SectionName = "Nexus:Gateway:TrustedProxies";

    /// <summary>The forwarded-headers settings for the configured proxies, or null when none is configured.</summary>
    public static ForwardedHeadersOptions? Read(IConfiguration configuration)
    {
        // An empty entry (a variable set to nothing, say) is no proxy rather than an error.
        var entries = (configuration.GetSection(SectionName).Get<string?[]>() ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e!.Trim()).ToList();
        if (entries.Count == 0) return null;

        // ASP.NET Core trusts loopback by default; here only what the operator lists.
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        var errors = new List<string>();
        foreach (var entry in entries)
        {
            if (entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out var network)) options.KnownIPNetworks.Add(network);
            else if (!entry.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(entry, out var address)) options.KnownProxies.Add(address);
            else errors.Add($"{SectionName}: '{entry}' is neither an IP address nor a network (address/prefix length).");
        }

        if (errors.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        return options;
    }
}
