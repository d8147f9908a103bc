using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Nexus.Gateway.Security;

/// <summary>What kind of place an IP address is, for deciding whether the gateway may connect there on someone's behalf.</summary>
internal static class AddressClass
{
    private static readonly IPNetwork LinkLocalV4 = IPNetwork.Parse("169.254.0.0/16");
    private static readonly IPNetwork LinkLocalV6 = IPNetwork.Parse("fe80::/10");
    private static readonly IPNetwork MulticastV4 = IPNetwork.Parse("224.0.0.0/4");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    // Cloud metadata and credential services: refused even where a proxy puts them on a local interface. The IMDS
    // of AWS, GCP, Azure and OpenStack (169.254.169.254, and fd00:ec2::254 on IPv6), the ECS task and EKS pod
    // identity credential endpoints, Alibaba Cloud's metadata and Azure's wire server.
    private static readonly IPAddress[] Metadata =
    [
        IPAddress.Parse("169.254.169.254"), IPAddress.Parse("fd00:ec2::254"), IPAddress.Parse("169.254.170.2"), IPAddress.Parse("169.254.170.23"),
        IPAddress.Parse("fd00:ec2::23"), IPAddress.Parse("100.100.100.200"), IPAddress.Parse("168.63.129.16"),
    ];

    /// <summary>Host names of metadata services, refused by name as well, since they resolve only inside their cloud.</summary>
    private static readonly HashSet<string> MetadataNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "metadata.google.internal", "metadata.goog", "instance-data.ec2.internal",
    };

    /// <summary>The address as a plain one: IPv4-mapped IPv6 as IPv4, without an IPv6 scope, so equal places compare equal.</summary>
    public static IPAddress Normalize(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        return address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0 ? new IPAddress(address.GetAddressBytes()) : address;
    }

    public static bool IsMetadataName(string host) => MetadataNames.Contains(host);

    /// <summary>
    /// Why the gateway must never connect to <paramref name="address"/> for a client, or <c>null</c>. A link-local
    /// address of this machine's own interfaces (<paramref name="ownInterface"/>; a host name often resolves to one)
    /// reaches this machine, not a neighbour on the link, so the rule for this machine applies to it instead.
    /// </summary>
    public static string? Forbidden(IPAddress address, bool ownInterface)
    {
        address = Normalize(address);
        // A NAT64 address reaches the IPv4 address embedded in its last 32 bits.
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Nat64.Contains(address))
        {
            return Forbidden(new IPAddress(address.GetAddressBytes()[12..]), ownInterface: false);
        }

        if (Metadata.Contains(address)) return "a cloud metadata address";
        if (!ownInterface && (LinkLocalV4.Contains(address) || LinkLocalV6.Contains(address))) return "link-local (where cloud metadata services live)";
        if (MulticastV4.Contains(address) || address.IsIPv6Multicast || address.Equals(IPAddress.Broadcast)) return "not a unicast address";
        return null;
    }

    /// <summary>
    /// Whether a connection to <paramref name="address"/> ends on this machine: loopback (all of 127.0.0.0/8 and ::1),
    /// the unspecified address (which Linux connects to loopback), or one of the machine's interface addresses.
    /// </summary>
    public static bool IsThisMachine(IPAddress address)
    {
        address = Normalize(address);
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Any(a => Normalize(a.Address).Equals(address));
    }
}
