using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;

namespace Nexus.ServiceDefaults.Http;

/// <summary>
/// The reverse proxies a service believes about the client's address, from a configuration section of addresses such
/// as <c>10.0.0.7</c> or networks such as <c>10.0.0.0/24</c> (the gateway's <c>Nexus:Gateway:TrustedProxies</c>, the
/// UI's <c>Nexus:Ui:TrustedProxies</c>). From them, the last address of <c>X-Forwarded-For</c> becomes the connection's
/// remote address; from any other peer the header is ignored, so a caller cannot invent an address. Unset: no peer is
/// trusted.
/// </summary>
public static class TrustedProxies
{
    /// <summary>The forwarded-headers settings for the proxies listed under <paramref name="sectionName"/>, or null when none is.</summary>
    /// <exception cref="InvalidOperationException">An entry is neither an address nor a network (each such entry is named).</exception>
    public static ForwardedHeadersOptions? Read(IConfiguration configuration, string sectionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // An empty entry (a variable set to nothing, say) is no proxy rather than an error.
        var entries = (configuration.GetSection(sectionName).Get<string?[]>() ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e!.Trim()).ToList();
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
            else errors.Add($"{sectionName}: '{entry}' is neither an IP address nor a network (address/prefix length).");
        }

        if (errors.Count > 0) throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        return options;
    }
}
