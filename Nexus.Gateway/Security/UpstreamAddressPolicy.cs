using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Registry;
using Nexus.ServiceDefaults;

namespace Nexus.Gateway.Security;

/// <summary>What a check of an upstream address found: the addresses a connection would use, or why it may not go there.</summary>
internal sealed record AddressCheck(IReadOnlyList<IPAddress> Addresses, string? Problem, bool Unresolvable = false)
{
    public bool Allowed => Problem is null;
}

/// <summary>
/// Where the gateway may send requests on someone's behalf. One policy serves the registry (registration, each renewal,
/// and every connection its prober and descriptor fetcher open), the static routes of the admin API, and every
/// connection the forwarder opens.
/// Addresses are compared once resolved, never as strings: <c>localhost.</c>, <c>0.0.0.0</c>, <c>[::1]</c>,
/// <c>127.0.0.2</c> and the machine's own names all reach a listener on this machine.
/// <list type="bullet">
/// <item>Every URL: absolute http(s), without credentials (user info).</item>
/// <item>Every upstream: not this gateway's own listening sockets or advertised address, nor its Redis, etcd or PostgreSQL.</item>
/// <item>A registered instance also: never link-local (169.254.0.0/16, fe80::/10) or a cloud metadata address or name, and
/// within <c>Nexus:Registry:AllowedNetworks</c> when that is set; its host name must resolve.</item>
/// </list>
/// </summary>
internal sealed class UpstreamAddressPolicy(
    IServer server,
    IOptions<NexusServiceOptions> service,
    IOptions<RegistryOptions> registry,
    GatewayDependencies dependencies,
    IHostResolver resolver)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);
    private readonly IPNetwork[] _allowed = ParseNetworks(registry.Value.AllowedNetworks);

    /// <summary>Why <paramref name="text"/> cannot be an upstream URL at all (not absolute http(s), or carrying credentials), or <c>null</c>.</summary>
    public static string? UrlProblem(string? text, out Uri? url)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.IdnHost.Length == 0)
        {
            url = null;
            return $"'{Truncate(text ?? string.Empty)}' is not an absolute http or https URL.";
        }

        return url.UserInfo.Length > 0 ? "The URL must not carry credentials (user info); a static upstream takes its key in 'apiKey'." : null;
    }

    /// <summary>Checks a registered instance's base URL against every rule.</summary>
    public Task<AddressCheck> CheckInstanceAsync(Uri url, CancellationToken cancellationToken) =>
        CheckAsync(url.IdnHost, url.Port, instance: true, cancellationToken);

    /// <summary>Checks a static upstream: it must not be the gateway itself or one of its stores. A name that does not resolve (yet) passes.</summary>
    public async Task<string?> StaticProblemAsync(Uri url, CancellationToken cancellationToken) =>
        (await CheckAsync(url.IdnHost, url.Port, instance: false, cancellationToken)).Problem;

    /// <summary>Marks a request to a static upstream, so its connection is checked under a static route's rules, not an instance's.</summary>
    public static readonly HttpRequestOptionsKey<bool> StaticUpstream = new("Nexus.Gateway.StaticUpstream");

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/> that checks the addresses at the moment of connecting and connects
    /// to exactly those, so a DNS answer that changes after registration (DNS rebinding) cannot redirect a connection.
    /// Used by the forwarder, the prober and the descriptor fetcher: a registered instance under every rule, a request
    /// marked <see cref="StaticUpstream"/> under a static route's.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var endpoint = context.DnsEndPoint;
        var instance = !(context.InitialRequestMessage.Options.TryGetValue(StaticUpstream, out var isStatic) && isStatic);
        var check = await CheckAsync(endpoint.Host, endpoint.Port, instance, cancellationToken);
        if (!check.Allowed)
        {
            throw new HttpRequestException(check.Unresolvable ? HttpRequestError.NameResolutionError : HttpRequestError.ConnectionError, $"Refused by the gateway's address policy: {check.Problem}");
        }

        if (check.Addresses.Count == 0) throw new HttpRequestException(HttpRequestError.NameResolutionError, $"'{endpoint.Host}' cannot be resolved.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. check.Addresses], endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<AddressCheck> CheckAsync(string host, int port, bool instance, CancellationToken cancellationToken)
    {
        host = host.Trim('[', ']').TrimEnd('.');
        if (instance && AddressClass.IsMetadataName(host)) return new([], $"'{host}' is a cloud metadata service; it is never a registrable upstream.");

        var addresses = await ResolveAsync(host, cancellationToken);
        if (addresses is null or { Length: 0 })
        {
            return instance
                ? new([], $"'{host}' cannot be resolved from the gateway, so it cannot be checked or reached.", Unresolvable: true)
                : new([], null, Unresolvable: true);
        }

        var listening = ListeningPorts();
        foreach (var address in addresses.Select(AddressClass.Normalize))
        {
            var local = AddressClass.IsThisMachine(address);
            if (instance && AddressClass.Forbidden(address, local) is { } why) return new(addresses, $"'{host}' resolves to {address}, {why}; such addresses are never allowed.");
            if (instance && _allowed.Length > 0 && !_allowed.Any(n => n.Contains(address)))
            {
                return new(addresses, $"'{host}' resolves to {address}, outside Nexus:Registry:AllowedNetworks ({string.Join(", ", _allowed)}).");
            }

            if (local && listening.Contains(port)) return new(addresses, $"'{host}:{port}' reaches {address}:{port}, this gateway's own address (a port it listens on); an upstream cannot be the gateway itself.");
            if (await IsAdvertisedAsync(address, port, cancellationToken)) return new(addresses, $"'{host}:{port}' is this gateway's own address (Nexus:AdvertisedUrl); an upstream cannot be the gateway itself.");
            if (await DependencyAtAsync(address, local, port, cancellationToken) is { } dependency)
            {
                return new(addresses, $"'{host}:{port}' reaches this gateway's own {dependency.What} ({dependency.Host}:{dependency.Port}); an upstream cannot be one of the gateway's stores.");
            }
        }

        return new(addresses, null);
    }

    /// <summary>The addresses a connection to <paramref name="host"/> would use; <c>null</c> when it does not resolve in time.</summary>
    private async Task<IPAddress[]?> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        // RFC 6761: localhost and its subdomains are loopback, whatever a resolver says.
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            return await resolver.ResolveAsync(host, timeout.Token);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private HashSet<int> ListeningPorts()
    {
        var ports = new HashSet<int>();
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            try
            {
                ports.Add(BindingAddress.Parse(address).Port);
            }
            catch (FormatException)
            {
                // Not a TCP address (a Unix socket, say): nothing an upstream URL could reach.
            }
        }

        return ports;
    }

    private async Task<bool> IsAdvertisedAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        if (service.Value.AdvertisedUrl is not { } advertised || !Uri.TryCreate(advertised, UriKind.Absolute, out var own) || own.Port != port) return false;
        var resolved = await ResolveAsync(own.IdnHost.TrimEnd('.'), cancellationToken) ?? [];
        return resolved.Select(AddressClass.Normalize).Contains(address);
    }

    private async Task<DependencyEndpoint?> DependencyAtAsync(IPAddress address, bool local, int port, CancellationToken cancellationToken)
    {
        foreach (var dependency in dependencies.Endpoints)
        {
            if (dependency.Port != port) continue;
            var resolved = (await ResolveAsync(dependency.Host.Trim('[', ']').TrimEnd('.'), cancellationToken) ?? []).Select(AddressClass.Normalize).ToList();
            // A store on this machine listens on some local address; any local address on its port may reach it.
            if (resolved.Contains(address) || (local && resolved.Any(AddressClass.IsThisMachine))) return dependency;
        }

        return null;
    }

    // Validated at start (RegistryOptionsValidator), so nothing is dropped here.
    private static IPNetwork[] ParseNetworks(IEnumerable<string> networks)
    {
        var parsed = new List<IPNetwork>();
        foreach (var text in networks)
        {
            if (IPNetwork.TryParse(text, out var network)) parsed.Add(network);
        }

        return [.. parsed];
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..97] + "...";
}
