namespace Nexus.AppHost.Composition;

/// <summary>The conventions every Nexus project follows under the AppHost.</summary>
internal static class NexusServiceExtensions
{
    /// <summary>
    /// A Nexus project beside the gateway (a backend service, the agents, the UI): its own HTTP endpoint (not its launch
    /// profile's port), health-gated, registering with the gateway using this run's registration token.
    /// </summary>
    /// <param name="builder">The app model.</param>
    /// <param name="name">The resource's name: its address for service discovery and its name on the dashboard.</param>
    /// <param name="gateway">The gateway it registers with.</param>
    /// <param name="registrationToken">This run's registration token.</param>
    /// <param name="port">A stable, documented port instead of a random one, checked before anything starts as the
    /// gateway's is (e.g. 8400 for the UI a person opens); null for a port of the AppHost's choosing.</param>
    /// <param name="external">Whether the endpoint is reachable from outside in a deployment (the manifest's
    /// <c>external</c>, a Kubernetes Service a person reaches); a backend is reached through the gateway only.</param>
    /// <remarks>
    /// It starts beside the gateway rather than after it (no <c>WaitFor</c>): registration retries until the gateway
    /// answers, quietly for its first seconds, and start-up is then the slowest project's, not the gateway's plus the
    /// slowest service's. The reference to the gateway still orders the stop: services first, so they deregister.
    /// The builder is returned, so a project that needs more chains it: <c>.WithOptionalReference(nexusdb)</c>.
    /// </remarks>
    public static IResourceBuilder<ProjectResource> AddNexusService<TProject>(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> registrationToken, int? port = null, bool external = false)
        where TProject : IProjectMetadata, new()
    {
        var project = builder.AddProject<TProject>(name, launchProfileName: null);
        project = port is { } stable ? project.WithStableHttpPort(stable) : project.WithHttpEndpoint();
        if (external) project.WithExternalHttpEndpoints();
        else project.WithNexusMtlsServer();
        return project
            .WithHttpHealthCheck("/health", endpointName: project.HealthCheckEndpoint())
            .WithNexusDefaults()
            .WithReference(gateway)
            .WithEnvironment("Nexus__Registry__Url", gateway.GetEndpoint("http"))
            .WithEnvironment("Nexus__Registry__Token", registrationToken)
            .WithAnnotation(new NexusServiceAnnotation());
    }

    /// <summary>
    /// Only the variables a reference needs (<c>ConnectionStrings__*</c>, <c>services__*</c>), not Aspire 13's extra
    /// per-property ones; in run mode a person reads the logs, so the Development environment and text logs, and the
    /// built program starts directly (<see cref="BuiltPrograms"/>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithNexusDefaults(this IResourceBuilder<ProjectResource> project)
    {
        project.WithReferenceEnvironment(ReferenceEnvironmentInjectionFlags.ConnectionString | ReferenceEnvironmentInjectionFlags.ServiceDiscovery);
        if (project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            project.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
                .WithEnvironment("DOTNET_ENVIRONMENT", "Development")
                .WithEnvironment("Nexus__LogFormat", "text")
                .WithBuiltProgram();
        }

        return project;
    }

    /// <summary>References and waits for infrastructure that runs; when it does not, the project gets no setting and uses
    /// its embedded default.</summary>
    public static IResourceBuilder<ProjectResource> WithOptionalReference(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<IResourceWithConnectionString>? infrastructure) =>
        infrastructure is null ? project : project.WithReference(infrastructure).WaitFor(infrastructure);

    /// <summary>The database as <c>ConnectionStrings__{connectionName}</c> (a service that names its connection otherwise),
    /// waited for, when it runs; else nothing and the project uses its embedded default.</summary>
    public static IResourceBuilder<ProjectResource> WithOptionalDatabase(this IResourceBuilder<ProjectResource> project,
        IResourceBuilder<IResourceWithConnectionString>? database, string connectionName) =>
        database is null ? project : project.WithEnvironment($"ConnectionStrings__{connectionName}", database).WaitFor(database);

    /// <summary>The agents' gateway settings: its address, the agents' tenant key (also their registry key) and its tenant id.</summary>
    public static IResourceBuilder<ProjectResource> WithNexusAgentsGateway(this IResourceBuilder<ProjectResource> agents,
        IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> key, string tenantId) =>
        agents.WithEnvironment("Agents__GatewayUrl", gateway.GetEndpoint("http"))
            .WithEnvironment("Agents__ApiKey", key)
            .WithEnvironment("Agents__Tenant", tenantId);

    /// <summary>The etcd registry store (<c>Nexus__Registry__Etcd__Url</c>) when etcd runs; else the in-process registry.</summary>
    public static IResourceBuilder<ProjectResource> WithOptionalEtcd(this IResourceBuilder<ProjectResource> gateway,
        IResourceBuilder<IResourceWithEndpoints>? etcd) =>
        etcd is null ? gateway : gateway.WithEnvironment("Nexus__Registry__Etcd__Url", etcd.GetEndpoint("http")).WaitFor(etcd);
}

/// <summary>Marks a project added with <see cref="NexusServiceExtensions.AddNexusService"/>: reached through the gateway,
/// not the gateway itself (the Kubernetes publisher's NetworkPolicies and PodDisruptionBudget follow it).</summary>
internal sealed class NexusServiceAnnotation : IResourceAnnotation;
