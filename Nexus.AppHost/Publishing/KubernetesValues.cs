using System.Globalization;
using System.Text.RegularExpressions;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// A project's environment variable, written in the manifest's expression language (<c>{gateway.bindings.http.url}</c>),
/// as a Kubernetes <c>env</c> entry: a project's address becomes its Service's in-cluster address; a parameter is read
/// from the <see cref="ParametersSecret"/>; PostgreSQL, Redis and etcd are external, so their connection strings and
/// addresses are read from the <see cref="InfrastructureSecret"/>. No value of a secret is ever written.
/// </summary>
internal sealed partial class KubernetesValues(DistributedApplicationModel model)
{
    public const string ParametersSecret = "nexus-parameters";
    public const string InfrastructureSecret = "nexus-infrastructure";

    /// <summary>The port every Nexus container listens on (<c>HTTP_PORTS</c>), as in .NET's own container images.</summary>
    public const int ContainerPort = 8080;

    [GeneratedRegex(@"\{(?<resource>[^.{}]+)\.(?<path>[^{}]+)\}")]
    private static partial Regex Placeholder();

    public OrderedDictionary<string, object> Env(string name, string expression)
    {
        var placeholders = Placeholder().Matches(expression);
        if (placeholders.Count == 1 && placeholders[0].Value == expression && SecretKey(placeholders[0]) is { } secret)
        {
            return Yaml.Map(("name", name), ("valueFrom", Yaml.Map(("secretKeyRef", Yaml.Map(("name", secret.Secret), ("key", secret.Key))))));
        }

        var value = Placeholder().Replace(expression, placeholder => Literal(placeholder)
            ?? throw new DistributedApplicationException(
                $"The Kubernetes publisher cannot write {name}={expression}: {placeholder.Value} is a secret inside a longer value."));
        return Yaml.Map(("name", name), ("value", value));
    }

    /// <summary>The Service port of a project's endpoint: its fixed port when it has one (the gateway's 8480), else the container's.</summary>
    public static int ServicePort(EndpointAnnotation endpoint) => endpoint.Port ?? ContainerPort;

    private (string Secret, string Key)? SecretKey(Match placeholder)
    {
        var resource = Resource(placeholder);
        var path = placeholder.Groups["path"].Value;
        return resource switch
        {
            ParameterResource when path == "value" => (ParametersSecret, resource.Name),
            ProjectResource => null,
            _ when path == "connectionString" => (InfrastructureSecret, resource.Name),
            _ when path.StartsWith("bindings.", StringComparison.Ordinal) => (InfrastructureSecret, $"{resource.Name}-{path["bindings.".Length..].Replace('.', '-')}"),
            _ => null,
        };
    }

    private string? Literal(Match placeholder)
    {
        if (Resource(placeholder) is not ProjectResource project) return null;
        var path = placeholder.Groups["path"].Value.Split('.');
        if (path is not ["bindings", var binding, var property]) return null;
        var endpoint = project.Annotations.OfType<EndpointAnnotation>().SingleOrDefault(e => e.Name == binding);
        if (endpoint is null) return null;
        var port = ServicePort(endpoint).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            "url" => $"{endpoint.UriScheme}://{project.Name}:{port}",
            "host" => project.Name,
            "port" => port,
            "targetPort" => ContainerPort.ToString(CultureInfo.InvariantCulture),
            "scheme" => endpoint.UriScheme,
            _ => null,
        };
    }

    private IResource Resource(Match placeholder)
    {
        var name = placeholder.Groups["resource"].Value;
        return model.Resources.SingleOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new DistributedApplicationException($"The Kubernetes publisher found no resource '{name}' for {placeholder.Value}.");
    }
}
