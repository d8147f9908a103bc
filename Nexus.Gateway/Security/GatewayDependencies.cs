using System.Globalization;
using Npgsql;

namespace Nexus.Gateway.Security;

/// <summary>A host and port the gateway itself connects to, and what it is.</summary>
internal sealed record DependencyEndpoint(string What, string Host, int Port);

/// <summary>
/// The stores this gateway talks to (Redis, etcd, PostgreSQL), read from the same settings their clients read, so an
/// upstream can never be one of them: a tenant's request forwarded to the gateway's own Redis or etcd would reach
/// data no tenant may touch.
/// </summary>
internal sealed class GatewayDependencies(IConfiguration configuration)
{
    public IReadOnlyList<DependencyEndpoint> Endpoints { get; } = Read(configuration);

    internal static IReadOnlyList<DependencyEndpoint> Read(IConfiguration configuration)
    {
        var endpoints = new List<DependencyEndpoint>();
        if (configuration.GetConnectionString("redis") is { Length: > 0 } redis) endpoints.AddRange(Redis(redis));
        foreach (var etcd in new[] { configuration["Nexus:Registry:Etcd:Url"], configuration.GetConnectionString("etcd") })
        {
            if (etcd is { Length: > 0 } && Uri.TryCreate(etcd, UriKind.Absolute, out var url)) endpoints.Add(new("etcd", url.IdnHost, url.Port));
        }

        if (configuration.GetConnectionString("nexusdb") is { Length: > 0 } postgres) endpoints.AddRange(Postgres(postgres));
        return endpoints;
    }

    // StackExchange.Redis's form, which Aspire injects: "host:port,host2:port,password=...,ssl=true".
    private static IEnumerable<DependencyEndpoint> Redis(string connectionString)
    {
        foreach (var part in connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Contains('=', StringComparison.Ordinal)) continue;
            if (HostPort(part, 6379) is { } endpoint) yield return new("Redis", endpoint.Host, endpoint.Port);
        }
    }

    private static IEnumerable<DependencyEndpoint> Postgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            yield break; // The store reports a malformed connection string itself, at start.
        }

        var port = builder.Port;
        foreach (var host in (builder.Host ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (HostPort(host, port) is { } endpoint) yield return new("PostgreSQL", endpoint.Host, endpoint.Port);
        }
    }

    private static (string Host, int Port)? HostPort(string text, int defaultPort)
    {
        if (text.StartsWith('/')) return null; // a Unix socket directory: not reachable over HTTP
        if (Uri.TryCreate("tcp://" + text, UriKind.Absolute, out var url) && url.IdnHost.Length > 0)
        {
            return (url.IdnHost, url.IsDefaultPort || url.Port < 0 ? defaultPort : url.Port);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? null : (text, defaultPort);
    }
}
