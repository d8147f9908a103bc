namespace Nexus.AppHost.Hosting;

/// <summary>
/// A service the system depends on (PostgreSQL, Redis, etcd): a container in the manifest; in run mode local binaries,
/// else a container, else absent, in which case consumers get no setting and use their embedded default.
/// </summary>
public abstract class InfrastructureResource : Resource, IRunAvailability
{
    protected InfrastructureResource(string name, string image, string tag) : base(name)
    {
        Image = image;
        Tag = tag;
    }

    public string Image { get; }

    public string Tag { get; }

    internal List<KeyValuePair<string, ReferenceExpression>> ContainerEnvironment { get; } = [];

    internal List<string> ContainerArgs { get; } = [];

    internal List<(string Name, string Target)> Volumes { get; } = [];

    /// <summary>False in a run where the embedded default serves instead.</summary>
    public bool IsAvailable { get; internal set; } = true;

    /// <summary>What consumers do without this resource, for the start-up table.</summary>
    internal abstract string EmbeddedFallback { get; }

    /// <summary>A plan from locally installed binaries, or null with the reason they cannot be used.</summary>
    internal abstract Task<(RunPlan? Plan, string Reason)> TryLocalAsync(RunContext context, CancellationToken ct);

    internal abstract IHealthProbe CreateContainerProbe(RunContext context);

    /// <summary>Runs after each container start once healthy; nothing by default.</summary>
    internal virtual Task AfterContainerHealthyAsync(string runtime, string containerName, CancellationToken ct) => Task.CompletedTask;

    protected int AllocatedPort(string endpoint) =>
        Endpoints.First(e => e.Name == endpoint).AllocatedPort ?? throw new InvalidOperationException($"No port allocated for {Name}.");

    private protected EndpointAnnotation AddEndpoint(string name, string scheme, string transport, int targetPort)
    {
        var endpoint = new EndpointAnnotation(name, scheme, transport, port: null, targetPort) { Host = "127.0.0.1" };
        Endpoints.Add(endpoint);
        return endpoint;
    }
}

/// <summary><c>{name.connectionString}</c>: another resource's connection string, by reference.</summary>
internal sealed class ConnectionStringReference(IResourceWithConnectionString resource) : IValueProvider
{
    public string ValueExpression => $"{{{resource.Name}.connectionString}}";

    public string? GetValue() => resource.ConnectionStringExpression.GetValue();
}
