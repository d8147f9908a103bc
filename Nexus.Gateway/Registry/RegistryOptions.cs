namespace Nexus.Gateway.Registry;

/// <summary>The registry's settings, bound from <c>Nexus:Registry</c> and validated at start.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Nexus:Registry";

    /// <summary>The registration token services present; generated per process (and logged once) when unset.</summary>
    public string? Token { get; set; }

    /// <summary>How long a registration lives without a renewal.</summary>
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>Largest registration body (descriptor included) accepted, in bytes.</summary>
    public int MaxDescriptorBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// When set, the only networks (CIDRs such as <c>10.0.0.0/8</c>, <c>fd00::/8</c>) a registered base URL may resolve
    /// into. Link-local and metadata addresses and the gateway itself are refused whatever this says.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// How long a service whose last instance left (lease expired, deregistered) stays known: its requests get 503
    /// (no ready instance) rather than 404 (no such service) meanwhile, as for a restart or a crash.
    /// </summary>
    public TimeSpan GoneServiceGrace { get; set; } = TimeSpan.FromMinutes(10);

    public RegistryHealthOptions Health { get; set; } = new();

    public EtcdOptions Etcd { get; set; } = new();
}

/// <summary>Active probing of <c>/health</c> (<c>Nexus:Registry:Health</c>).</summary>
public sealed class RegistryHealthOptions
{
    /// <summary>Time between two probes of one instance.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A probe without an answer within this time counts as failed.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Consecutive successful probes before an instance is routed to (again).</summary>
    public int HealthyThreshold { get; set; } = 2;

    /// <summary>Consecutive failed probes before a ready instance is taken out of routing.</summary>
    public int UnhealthyThreshold { get; set; } = 2;
}

/// <summary>The etcd backend (<c>Nexus:Registry:Etcd</c>); the embedded backend serves when <see cref="Url"/> is unset.</summary>
public sealed class EtcdOptions
{
    /// <summary>etcd's client URL (its gRPC endpoint), e.g. <c>http://etcd:2379</c>.</summary>
    public string? Url { get; set; }

    /// <summary>Key prefix under which instances live, one key per instance.</summary>
    public string Prefix { get; set; } = "/nexus/registry/instances/";

    /// <summary>Deadline of one etcd call (the watch stream excepted), and of the readiness check's status request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
