namespace Nexus.AppHost.Hosting;

/// <summary>Collects the resources of the system, as Aspire's <c>IDistributedApplicationBuilder</c>.</summary>
public sealed class NexusAppBuilder
{
    internal NexusAppBuilder(NexusAppOptions options, AppHostInfo appHost)
    {
        Options = options;
        AppHost = appHost;
    }

    public NexusAppOptions Options { get; }

    internal AppHostInfo AppHost { get; }

    /// <summary>The app host project's directory; project paths are relative to it.</summary>
    public string AppHostDirectory => AppHost.Directory;

    internal List<Resource> Resources { get; } = [];

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (Resources.Any(r => r.Name == resource.Name))
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        Resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>A .NET project with an HTTP endpoint on a random port (fix it with <c>WithHttpEndpoint(port)</c>).</summary>
    public IResourceBuilder<ProjectResource> AddProject(string name, string projectPath)
    {
        var path = Path.GetFullPath(Path.Combine(AppHostDirectory, projectPath));
        var project = AddResource(new ProjectResource(name, path));
        return project.WithHttpEndpoint();
    }

    public IResourceBuilder<ExecutableResource> AddExecutable(string name, string command, string workingDirectory, params string[] args) =>
        AddResource(new ExecutableResource(name, command, workingDirectory, args));

    /// <summary>A value given at deployment; in run mode from <c>Parameters__{name}</c>.</summary>
    public IResourceBuilder<ParameterResource> AddParameter(string name, bool secret = false) =>
        AddResource(new ParameterResource(name, secret));

    /// <summary>A secret generated when none is given; kept across runs unless <paramref name="persist"/> is false.</summary>
    public IResourceBuilder<ParameterResource> AddGeneratedParameter(string name, int minLength = 22, bool secret = true, bool persist = true) =>
        AddResource(new ParameterResource(name, secret) { GenerateMinLength = minLength, Persist = persist });

    public NexusApplication Build()
    {
        DependencyGraph.Sort(Resources);
        return new NexusApplication(this);
    }
}
