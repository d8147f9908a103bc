using System.Globalization;

namespace Nexus.AppHost.Hosting;

/// <summary>The parts of an endpoint an expression can read.</summary>
public enum EndpointProperty
{
    Url,
    Host,
    Port,
    TargetPort,
}

/// <summary>A reference to a resource's endpoint, e.g. <c>{gateway.bindings.http.url}</c>.</summary>
public sealed class EndpointReference : IValueProvider
{
    internal EndpointReference(Resource resource, string endpointName, EndpointProperty property = EndpointProperty.Url)
    {
        Resource = resource;
        EndpointName = endpointName;
        Property = property;
    }

    public Resource Resource { get; }

    public string EndpointName { get; }

    public EndpointProperty Property { get; }

    public EndpointReference Select(EndpointProperty property) => new(Resource, EndpointName, property);

    public string ValueExpression => "{" + Resource.Name + ".bindings." + EndpointName + "." + PropertyName + "}";

    private string PropertyName => Property switch
    {
        EndpointProperty.Url => "url",
        EndpointProperty.Host => "host",
        EndpointProperty.Port => "port",
        _ => "targetPort",
    };

    public string? GetValue()
    {
        if (Resource is IRunAvailability { IsAvailable: false }) return null;
        var endpoint = Resource.Endpoints.FirstOrDefault(e => e.Name == EndpointName)
            ?? throw new InvalidOperationException($"Resource '{Resource.Name}' has no endpoint '{EndpointName}'.");
        if (endpoint.AllocatedPort is not { } port) return null;
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return Property switch
        {
            EndpointProperty.Url => $"{endpoint.Scheme}://{endpoint.Host}:{portText}",
            EndpointProperty.Host => endpoint.Host,
            _ => portText,
        };
    }
}

/// <summary>Resources that may be replaced by an embedded default in run mode.</summary>
internal interface IRunAvailability
{
    bool IsAvailable { get; }
}
