using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Nexus.Ui.Account;

/// <summary>
/// The reverse proxies in front of the UI (<c>Nexus:Ui:TrustedProxies</c>: addresses or networks such as
/// <c>10.0.0.0/24</c>): from them, the last address of <c>X-Forwarded-For</c> is the browser's, for the sign-in throttle
/// and the address the UI forwards to the gateway. From anyone else the header is ignored; unset, nobody is trusted.
/// (The gateway reads its own list the same way, <c>Nexus:Gateway:TrustedProxies</c>.)
/// </summary>
internal static class TrustedProxies
{
    public const string SectionName = "Nexus:Ui:TrustedProxies";

    public static ForwardedHeadersOptions? Read(IConfiguration configuration)
    {
        var entries = (configuration.GetSection(SectionName).Get<string?[]>() ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e!.Trim()).ToList();
        if (entries.Count == 0) return null;
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
