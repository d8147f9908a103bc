using System.Net;

namespace Nexus.Gateway.Security;

/// <summary>Resolves a host name to the addresses a connection would use; replaceable so tests can play DNS rebinding.</summary>
internal interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver (what <see cref="SocketsHttpHandler"/> itself uses).</summary>
internal sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => Dns.GetHostAddressesAsync(host, cancellationToken);
}
