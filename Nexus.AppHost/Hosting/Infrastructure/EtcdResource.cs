using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>etcd: the shared service registry (leases and watches) for several gateways.</summary>
public sealed class EtcdResource : InfrastructureResource
{
    public EtcdResource(string name) : base(name, "quay.io/coreos/etcd", "v3.5.17")
    {
        AddEndpoint("http", "http", "http", 2379);
        ContainerEnvironment.Add(new("ETCD_NAME", ReferenceExpression.Literal(name)));
        ContainerEnvironment.Add(new("ETCD_DATA_DIR", ReferenceExpression.Literal("/etcd-data")));
        ContainerEnvironment.Add(new("ETCD_LISTEN_CLIENT_URLS", ReferenceExpression.Literal("http://0.0.0.0:2379")));
        ContainerEnvironment.Add(new("ETCD_ADVERTISE_CLIENT_URLS", ReferenceExpression.From(new EndpointReference(this, "http"))));
    }

    internal override string EmbeddedFallback => "the gateway keeps the registry in process (one gateway)";

    internal override Task<(RunPlan? Plan, string Reason)> TryLocalAsync(RunContext context, CancellationToken ct)
    {
        if (ToolLocator.Find("etcd") is not { } etcd) return Task.FromResult<(RunPlan?, string)>((null, "no etcd on PATH"));
        var data = Path.Combine(context.StateDirectory, Name);
        Directory.CreateDirectory(data);
        var client = $"http://127.0.0.1:{AllocatedPort("http").ToString(CultureInfo.InvariantCulture)}";
        var peer = $"http://127.0.0.1:{PortAllocator.GetFreePort().ToString(CultureInfo.InvariantCulture)}";
        var plan = new RunPlan
        {
            Launch = new LaunchSpec(etcd,
            [
                "--name", Name, "--data-dir", Path.Combine(data, "data"),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"{Name}={peer}",
            ], data, new Dictionary<string, string>()),
            Probe = new HttpHealthProbe(context.Http, new Uri($"{client}/health")),
            How = "local binary",
            Why = $"etcd found at {etcd}",
            Url = client,
        };
        return Task.FromResult<(RunPlan?, string)>((plan, ""));
    }

    internal override IHealthProbe CreateContainerProbe(RunContext context) =>
        new HttpHealthProbe(context.Http, new Uri($"http://127.0.0.1:{AllocatedPort("http").ToString(CultureInfo.InvariantCulture)}/health"));
}
