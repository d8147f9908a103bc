using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Metadata;

/// <summary>
/// Builds the service descriptor from configuration and endpoint metadata. The functions are computed once
/// (endpoints do not change after start); the models come from <see cref="IModelCatalog"/> on every call.
/// </summary>
public sealed class DescriptorProvider
{
    private readonly NexusServiceOptions _options;
    private readonly EndpointDataSource _endpoints;
    private readonly IServer _server;
    private readonly IModelCatalog? _catalog;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly Lazy<IReadOnlyList<FunctionDescriptor>> _functions;

    public DescriptorProvider(
        IOptions<NexusServiceOptions> options,
        EndpointDataSource endpoints,
        IServer server,
        IOptions<JsonOptions> jsonOptions,
        IModelCatalog? catalog = null)
    {
        _options = options.Value;
        _endpoints = endpoints;
        _server = server;
        _catalog = catalog;
        _serializerOptions = jsonOptions.Value.SerializerOptions;
        _functions = new Lazy<IReadOnlyList<FunctionDescriptor>>(BuildFunctions);
    }

    /// <summary>The descriptor as <c>GET /v1/metadata</c> serves it now.</summary>
    public async ValueTask<NexusServiceDescriptor> GetDescriptorAsync(CancellationToken cancellationToken)
    {
        return new NexusServiceDescriptor
        {
            Name = _options.Name!,
            Version = _options.Version!,
            Description = _options.Description,
            Kind = _options.Kind,
            InstanceId = _options.InstanceId!,
            Labels = _options.Labels,
            BaseUrls = BaseUrls(),
            Functions = _functions.Value,
            Models = _catalog is null ? null : await _catalog.GetModelsAsync(cancellationToken),
        };
    }

    /// <summary>The URL the registry should use: the advertised one, else the first listening address made reachable.</summary>
    public string? AdvertisedUrl() => BaseUrls().FirstOrDefault();

    /// <summary>The descriptor's <c>descriptorHash</c> (<see cref="DescriptorHash"/>): it changes when the version, labels,
    /// functions or models do, which the registry then fetches again.</summary>
    public static string Hash(NexusServiceDescriptor descriptor) => DescriptorHash.Compute(descriptor);

    private List<string> BaseUrls()
    {
        var urls = new List<string>();
        if (_options.AdvertisedUrl is { } advertised) urls.Add(advertised.TrimEnd('/'));

        var addresses = _server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses.Select(Reachable).OfType<string>())
        {
            // With mTLS a plain HTTP listener serves only the orchestrator's health probes: never a base URL.
            if (_options.Mtls.Enabled && _options.Mtls.RequireClientCertificates && !address.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) continue;
            if (!urls.Contains(address, StringComparer.OrdinalIgnoreCase)) urls.Add(address);
        }

        return urls;
    }

    /// <summary>A listening address as another process can use it: wildcard hosts become this machine's name.</summary>
    internal static string? Reachable(string address)
    {
        var normalized = address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri)) return null;
        var wildcard = uri.Host is "0.0.0.0" or "[::]" or "::" || (IPAddress.TryParse(uri.Host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
        var builder = new UriBuilder(uri) { Host = wildcard ? Dns.GetHostName() : uri.Host };
        return builder.Uri.GetLeftPart(UriPartial.Authority);
    }

    private List<FunctionDescriptor> BuildFunctions()
    {
        // Made here and dropped after: the XML documentation it parses is needed once, not for the process's life.
        var schemas = new TypeSchemaGenerator(_serializerOptions);
        var functions = new List<FunctionDescriptor>();
        foreach (var endpoint in _endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<NexusFunctionMetadata>() is not { } function) continue;
            functions.Add(Describe(endpoint, function, schemas));
        }

        var duplicate = functions.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Nexus function '{duplicate.Key}' is declared on more than one endpoint: {string.Join(", ", duplicate.Select(f => f.Method + " " + f.Path))}.");
        }

        return functions;
    }

    private FunctionDescriptor Describe(RouteEndpoint endpoint, NexusFunctionMetadata function, TypeSchemaGenerator schemas)
    {
        var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>();
        var produces = endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>()
            .FirstOrDefault(p => p.StatusCode == StatusCodes.Status200OK && p.Type is not null && p.Type != typeof(void));

        var inputType = function.InputType ?? accepts?.RequestType;
        var outputType = function.OutputType ?? (produces?.Type is { } t && !typeof(IResult).IsAssignableFrom(t) ? t : null);

        return new FunctionDescriptor
        {
            Name = function.Name,
            Summary = function.Summary ?? endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>()?.Summary,
            Description = function.Description ?? endpoint.Metadata.GetMetadata<IEndpointDescriptionMetadata>()?.Description,
            Method = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? HttpMethods.Post,
            Path = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/'),
            InputSchema = inputType is null ? RouteParameterSchema(endpoint) : schemas.Generate(inputType),
            OutputSchema = outputType is null ? null : schemas.Generate(outputType),
            RequestContentTypes = function.RequestContentTypes ?? accepts?.ContentTypes ?? (inputType is null ? [] : ["application/json"]),
            ResponseContentTypes = function.ResponseContentTypes ?? produces?.ContentTypes.ToList() ?? ["application/json"],
            Streaming = function.Streaming,
            Examples = function.Examples.Select(e => new FunctionExample
            {
                Name = e.Name,
                Summary = e.Summary,
                Input = ToNode(e.Input, schemas)!,
                Output = ToNode(e.Output, schemas),
            }).ToList(),
            Ui = new UiHints { Order = function.Order, Fields = function.Fields, Result = function.ResultWidget },
            Annotations = function.Annotations,
        };
    }

    /// <summary>A function without a body still takes its route values; MCP needs an object schema either way.</summary>
    private static JsonObject RouteParameterSchema(RouteEndpoint endpoint)
    {
        var properties = new JsonObject();
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            properties[parameter.Name] = new JsonObject { ["type"] = "string" };
        }

        var required = new JsonArray(endpoint.RoutePattern.Parameters.Where(p => !p.IsOptional).Select(p => (JsonNode)p.Name).ToArray());
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
    }

    private static JsonNode? ToNode(object? value, TypeSchemaGenerator schemas) =>
        value is null ? null : value as JsonNode ?? JsonSerializer.SerializeToNode(value, value.GetType(), schemas.SerializerOptions);
}
