using System.Net;
using System.Net.NetworkInformation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Nexus.ServiceDefaults;

namespace Nexus.Gateway.Registry;

/// <summary>
/// Recognises URLs that point at this gateway, so nothing registers the gateway as its own upstream (a request
/// loop). A URL is ours when it names our advertised authority, or a local host name or address on a port we
/// listen on.
/// </summary>
internal sealed class SelfAddresses(IServer server, IOptions<NexusServiceOptions> service)
{
    public bool IsSelf(Uri url)
    {
        if (service.Value.AdvertisedUrl is { } advertised && Uri.TryCreate(advertised, UriKind.Absolute, out var own) && SameAuthority(own, url))
        {
            return true;
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            var normalized = address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var listening) || listening.Port != url.Port) continue;
            if (SameAuthority(listening, url)) return true;
            if (IsLocal(listening.Host) && IsLocal(url.Host)) return true;
        }

        return false;
    }

    private static bool SameAuthority(Uri a, Uri b) =>
        a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    /// <summary>Wildcards, loopback, this machine's name and its interface addresses.</summary>
    private static bool IsLocal(string host)
    {
        host = host.Trim('[', ']');
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || string.Equals(host, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(host, out var ip)) return false;
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return true;
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Any(a => a.Address.Equals(ip));
    }
}
