using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>Redis: shared counters and limits across gateway replicas.</summary>
public sealed class RedisResource : InfrastructureResource, IResourceWithConnectionString
{
    public RedisResource(string name) : base(name, "docker.io/library/redis", "7.4")
    {
        AddEndpoint("tcp", "tcp", "tcp", 6379);
        var endpoint = new EndpointReference(this, "tcp");
        ConnectionStringExpression = ReferenceExpression.Create($"{endpoint.Select(EndpointProperty.Host)}:{endpoint.Select(EndpointProperty.Port)}");
    }

    public ReferenceExpression ConnectionStringExpression { get; }

    internal override string EmbeddedFallback => "consumers keep limits in memory (one gateway replica)";

    internal override Task<(RunPlan? Plan, string Reason)> TryLocalAsync(RunContext context, CancellationToken ct)
    {
        if (ToolLocator.Find("redis-server") is not { } server)
            return Task.FromResult<(RunPlan?, string)>((null, "no redis-server on PATH"));
        var data = Path.Combine(context.StateDirectory, Name);
        Directory.CreateDirectory(data);
        var port = AllocatedPort("tcp").ToString(CultureInfo.InvariantCulture);
        var plan = new RunPlan
        {
            Launch = new LaunchSpec(server, ["--port", port, "--bind", "127.0.0.1", "--dir", data, "--save", "60 1", "--appendonly", "no"],
                data, new Dictionary<string, string>()),
            Probe = new RedisPingProbe("127.0.0.1", () => Endpoints[0].AllocatedPort),
            How = "local binary",
            Why = $"redis-server found at {server}",
            Url = $"tcp://127.0.0.1:{port}",
        };
        return Task.FromResult<(RunPlan?, string)>((plan, ""));
    }

    internal override IHealthProbe CreateContainerProbe(RunContext context) => new RedisPingProbe("127.0.0.1", () => Endpoints[0].AllocatedPort);
}
