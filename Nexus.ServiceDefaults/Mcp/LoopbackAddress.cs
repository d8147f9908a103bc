using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// Where a tool call reaches the service's own endpoints: the server's listening address (<see cref="IServerAddressesFeature"/>),
/// with a wildcard host replaced by loopback. Not the advertised URL: that one names the service as other hosts reach
/// it (a load balancer, a DNS name), which may not route back to this instance. Plain HTTP is preferred when the server
/// listens on it, so a development certificate that loopback does not trust cannot fail the call.
/// </summary>
internal sealed class LoopbackAddress(IServer server)
{
    private Uri? _address;

    public Uri Get() => _address ??= Find();

    private Uri Find()
    {
        var addresses = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(Parse)
            .OfType<Uri>()
            .OrderBy(uri => uri.Scheme == Uri.UriSchemeHttp ? 0 : 1)
            .ToList();
        return addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has no listening address to call its own functions at.");
    }

    private static Uri? Parse(string address)
    {
        var normalized = address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri)) return null;
        var wildcard = IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any));
        var loopback = ip is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ? "[::1]" : "127.0.0.1";
        return new UriBuilder(uri) { Host = wildcard ? loopback : uri.Host }.Uri;
    }
}
