namespace Nexus.AppHost.Hosting;

/// <summary>The Aspire-shaped verbs: references, waits, environment and endpoints.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Injects <c>ConnectionStrings__{name}</c> and starts the source first.</summary>
    public static IResourceBuilder<T> WithReference<T, TSource>(this IResourceBuilder<T> builder, IResourceBuilder<TSource> source)
        where T : Resource
        where TSource : Resource, IResourceWithConnectionString
    {
        builder.Resource.Environment.Add(new($"ConnectionStrings__{source.Resource.Name}", ReferenceExpression.From(new ConnectionStringReference(source.Resource))));
        AddReference(builder.Resource, source.Resource);
        return builder;
    }

    /// <summary>Injects <c>services__{name}__{endpoint}__0</c> for each HTTP endpoint of a project, as service discovery reads it.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> source)
        where T : Resource
    {
        foreach (var endpoint in source.Resource.Endpoints)
            builder.Resource.Environment.Add(new($"services__{source.Resource.Name}__{endpoint.Name}__0",
                ReferenceExpression.From(new EndpointReference(source.Resource, endpoint.Name))));
        AddReference(builder.Resource, source.Resource);
        return builder;
    }

    /// <summary>Starts this resource only once <paramref name="dependency"/> is running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency) where T : Resource
    {
        if (!builder.Resource.WaitsFor.Contains(dependency.Resource)) builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : Resource =>
        builder.WithEnvironment(name, ReferenceExpression.Literal(value));

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IValueProvider value) where T : Resource
    {
        var expression = ReferenceExpression.From(value);
        builder.Resource.Environment.Add(new(name, expression));
        foreach (var provider in expression.Providers)
        {
            var source = provider switch
            {
                EndpointReference e => e.Resource,
                Resource r => r,
                _ => null,
            };
            if (source is not null) AddReference(builder.Resource, source);
        }

        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IResourceBuilder<ParameterResource> parameter)
        where T : Resource => builder.WithEnvironment(name, parameter.Resource);

    /// <summary>Adds (or sets the port of) an HTTP endpoint; <paramref name="port"/> fixes the local port (random when null).</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, string name = "http") where T : Resource
    {
        // A project comes with a default "http" endpoint; naming it again sets its port.
        if (builder.Resource.Endpoints.FirstOrDefault(e => e.Name == name) is { } existing)
        {
            existing.Port = port;
            return builder;
        }

        builder.Resource.Endpoints.Add(new EndpointAnnotation(name, "http", "http", port, targetPort: null));
        return builder;
    }

    /// <summary>Marks the HTTP endpoints external: exposed outside the deployment (ingress) in the manifest.</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        foreach (var endpoint in builder.Resource.Endpoints.Where(e => e.Scheme is "http" or "https")) endpoint.IsExternal = true;
        return builder;
    }

    /// <summary>Polls <paramref name="path"/> on the first HTTP endpoint; the resource is healthy on a 2xx answer.</summary>
    public static IResourceBuilder<ExecutableResource> WithHttpHealthCheck(this IResourceBuilder<ExecutableResource> builder, string path = "/health")
    {
        builder.Resource.HealthPath = path;
        return builder;
    }

    /// <summary>Prints the parameter's value once at start-up (for a credential the user needs to log in).</summary>
    public static IResourceBuilder<ParameterResource> WithPrintedValue(this IResourceBuilder<ParameterResource> builder, string label)
    {
        builder.Resource.PrintLabel = label;
        return builder;
    }

    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name) where T : Resource =>
        builder.Resource.Endpoints.Any(e => e.Name == name)
            ? new EndpointReference(builder.Resource, name)
            : throw new InvalidOperationException($"Resource '{builder.Resource.Name}' has no endpoint '{name}'.");

    private static void AddReference(Resource resource, Resource source)
    {
        if (source == resource || source is ParameterResource) return;
        if (!resource.References.Contains(source)) resource.References.Add(source);
    }
}
