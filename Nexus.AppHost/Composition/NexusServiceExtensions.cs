namespace Nexus.AppHost.Composition;

/// <summary>What makes a project a Nexus service under the app host: it registers with the gateway's registry.</summary>
internal static class NexusServiceExtensions
{
    /// <summary>A backend service that waits for the gateway and registers with it using the run's registration token.</summary>
    public static IResourceBuilder<ProjectResource> AddNexusService(this NexusAppBuilder builder, string name, string projectPath,
        IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> registrationToken) =>
        builder.AddProject(name, projectPath)
            .WithReference(gateway)
            .WaitFor(gateway)
            .WithEnvironment("Nexus__Registry__Url", gateway.GetEndpoint("http"))
            .WithEnvironment("Nexus__Registry__Token", registrationToken);

    /// <summary>The gateway is the registry: it accepts registrations that carry this run's token (and never registers with itself).</summary>
    public static IResourceBuilder<ProjectResource> WithRegistrationToken(this IResourceBuilder<ProjectResource> gateway,
        IResourceBuilder<ParameterResource> registrationToken) =>
        gateway.WithEnvironment("Nexus__Registry__Token", registrationToken);
}
