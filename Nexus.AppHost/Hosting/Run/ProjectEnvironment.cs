namespace Nexus.AppHost.Hosting;

/// <summary>The environment a resource starts with: Aspire's conventions for projects, then its own settings.</summary>
internal static class ProjectEnvironment
{
    public static Dictionary<string, string> Build(Resource resource, RunContext context)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (resource is ProjectResource)
        {
            var urls = resource.Endpoints.Where(e => e.Scheme is "http" or "https").Select(e => new EndpointReference(resource, e.Name).GetValue());
            environment["ASPNETCORE_URLS"] = string.Join(';', urls);
            environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            environment["DOTNET_ENVIRONMENT"] = "Development";
            // Under the app host a person reads the console, so services log text rather than JSON.
            environment["Nexus__LogFormat"] = "text";
            environment["OTEL_SERVICE_NAME"] = resource.Name;
            environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resource.Name}-{context.RunId}";
            if (!string.IsNullOrEmpty(context.OtlpEndpoint)) environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = context.OtlpEndpoint;
        }

        foreach (var (name, expression) in resource.Environment)
        {
            // A value from infrastructure the run replaced with an embedded default is left out, so the consumer uses its default.
            if (expression.GetValue() is { } value) environment[name] = value;
            else environment.Remove(name);
        }

        return environment;
    }
}
