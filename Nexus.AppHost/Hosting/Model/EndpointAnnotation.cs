namespace Nexus.AppHost.Hosting;

/// <summary>A network endpoint of a resource (the manifest's <c>bindings</c>).</summary>
internal sealed class EndpointAnnotation(string name, string scheme, string transport, int? port, int? targetPort)
{
    public string Name { get; } = name;

    public string Scheme { get; } = scheme;

    public string Transport { get; } = transport;

    /// <summary>The stable local port; null means a random free port per run.</summary>
    public int? Port { get; set; } = port;

    /// <summary>The port the workload listens on inside a container.</summary>
    public int? TargetPort { get; } = targetPort;

    public bool IsExternal { get; set; }

    /// <summary>The port chosen for this run; set before any resource starts.</summary>
    public int? AllocatedPort { get; set; }

    /// <summary>Where the endpoint listens in run mode (infrastructure binds IPv4 loopback only).</summary>
    public string Host { get; set; } = "localhost";
}
