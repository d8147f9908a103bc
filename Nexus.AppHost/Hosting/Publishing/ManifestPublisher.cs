using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nexus.AppHost.Hosting;

/// <summary>Writes the Aspire manifest (schema aspire-8.0): project.v0, container.v0, parameter.v0 and value.v0 resources.</summary>
internal static class ManifestPublisher
{
    public const string SchemaUrl = "https://json.schemastore.org/aspire-8.0.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Connection strings carry ';' and '=': keep them readable, as Aspire does.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(IReadOnlyList<Resource> resources, string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var text = Render(resources, directory);
        File.WriteAllText(path, text);
    }

    public static string Render(IReadOnlyList<Resource> resources, string manifestDirectory)
    {
        var items = new JsonObject();
        foreach (var resource in resources) items[resource.Name] = Resource(resource, manifestDirectory);
        var manifest = new JsonObject { ["$schema"] = SchemaUrl, ["resources"] = items };
        return manifest.ToJsonString(Json).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static JsonObject Resource(Resource resource, string manifestDirectory) => resource switch
    {
        ProjectResource project => Project(project, manifestDirectory),
        InfrastructureResource container => Container(container),
        ParameterResource parameter => Parameter(parameter),
        PostgresDatabaseResource database => new JsonObject
        {
            ["type"] = "value.v0",
            ["connectionString"] = database.ConnectionStringExpression.ValueExpression,
        },
        _ => throw new InvalidOperationException($"Resource '{resource.Name}' ({resource.GetType().Name}) has no manifest form; it can only run locally."),
    };

    private static JsonObject Project(ProjectResource project, string manifestDirectory)
    {
        var env = new JsonObject
        {
            // The settings Aspire writes for every project.
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EXCEPTION_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_EMIT_EVENT_LOG_ATTRIBUTES"] = "true",
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["HTTP_PORTS"] = string.Join(';', project.Endpoints.Where(e => e.Scheme == "http").Select(e => $"{{{project.Name}.bindings.{e.Name}.targetPort}}")),
        };
        AddEnvironment(env, project.Environment);
        return new JsonObject
        {
            ["type"] = "project.v0",
            ["path"] = Path.GetRelativePath(manifestDirectory, project.ProjectPath).Replace('\\', '/'),
            ["env"] = env,
            ["bindings"] = Bindings(project.Endpoints),
        };
    }

    private static JsonObject Container(InfrastructureResource container)
    {
        var result = new JsonObject { ["type"] = "container.v0" };
        if (container is IResourceWithConnectionString withConnection) result["connectionString"] = withConnection.ConnectionStringExpression.ValueExpression;
        result["image"] = $"{container.Image}:{container.Tag}";
        if (container.ContainerArgs.Count > 0) result["args"] = new JsonArray([.. container.ContainerArgs.Select(a => (JsonNode)a)]);
        if (container.Volumes.Count > 0)
            result["volumes"] = new JsonArray([.. container.Volumes.Select(v => (JsonNode)new JsonObject { ["name"] = v.Name, ["target"] = v.Target, ["readOnly"] = false })]);
        var env = new JsonObject();
        AddEnvironment(env, container.ContainerEnvironment);
        AddEnvironment(env, container.Environment);
        if (env.Count > 0) result["env"] = env;
        result["bindings"] = Bindings(container.Endpoints);
        return result;
    }

    private static JsonObject Parameter(ParameterResource parameter)
    {
        var input = new JsonObject { ["type"] = "string", ["secret"] = parameter.Secret };
        if (parameter.GenerateMinLength is { } length) input["default"] = new JsonObject { ["generate"] = new JsonObject { ["minLength"] = length } };
        else if (parameter.DefaultValue is { } value) input["default"] = new JsonObject { ["value"] = value };
        return new JsonObject
        {
            ["type"] = "parameter.v0",
            ["value"] = $"{{{parameter.Name}.inputs.value}}",
            ["inputs"] = new JsonObject { ["value"] = input },
        };
    }

    private static void AddEnvironment(JsonObject env, IEnumerable<KeyValuePair<string, ReferenceExpression>> variables)
    {
        foreach (var (name, expression) in variables) env[name] = expression.ValueExpression;
    }

    private static JsonObject Bindings(IEnumerable<EndpointAnnotation> endpoints)
    {
        var bindings = new JsonObject();
        foreach (var endpoint in endpoints)
        {
            var binding = new JsonObject { ["scheme"] = endpoint.Scheme, ["protocol"] = "tcp", ["transport"] = endpoint.Transport };
            if (endpoint.IsExternal) binding["external"] = true;
            if (endpoint.TargetPort is { } target) binding["targetPort"] = target;
            bindings[endpoint.Name] = binding;
        }

        return bindings;
    }
}
