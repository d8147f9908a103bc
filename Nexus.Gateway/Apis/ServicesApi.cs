using System.Text.Json.Serialization;
using Nexus.Contract;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Registry.Api;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Gateway.Apis;

/// <summary>
/// <c>GET /v1/services</c>: the registered services a tenant key may use (its and its tenant's <c>services:{name}</c>
/// scopes), each with its instances' state, the functions the key may call and the models it may use. The registry API
/// shows everything to the admin key; this is the catalog as one tenant key sees it, without instance addresses.
/// </summary>
internal static class ServicesApi
{
    public static IEndpointRouteBuilder MapServicesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/services", ListServicesAsync).WithOpenAIErrors().WithName("list-services").WithSummary("Lists the registered services the caller's key may use, with their state, functions and models.");
        return app;
    }

    private static async Task ListServicesAsync(HttpContext context, KeyAuthenticator keys, AuthThrottle throttle, IServiceRegistry registry)
    {
        var caller = await keys.AuthenticateAsync(context.Request.Headers.Authorization, context.RequestAborted);
        if (caller is null)
        {
            if (context.Request.Headers.Authorization.Count > 0) throttle.Failed(context.Connection.RemoteIpAddress);
            await GatewayErrors.WriteAsync(context, 401, "Incorrect or missing API key. Send 'Authorization: Bearer <key>'.", code: "invalid_api_key");
            return;
        }

        var services = registry.Snapshot()
            .Where(i => caller.AllowsScope(EndpointScopes.Service(i.ServiceName)))
            .GroupBy(i => i.ServiceName, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => ServiceEntry.From(g.Key, [.. g], caller))
            .ToList();
        await context.Response.WriteAsJsonAsync(new ServiceList(services), NexusJson.Options, context.RequestAborted);
    }

    internal sealed record ServiceList([property: JsonPropertyName("data")] IReadOnlyList<ServiceEntry> Data)
    {
        [JsonPropertyName("object")]
        public string Object => "list";
    }

    /// <summary>One service: the newest registration's description and functions, every instance's state.</summary>
    internal sealed record ServiceEntry(
        string Name,
        string Kind,
        string? Description,
        string Version,
        string State,
        IReadOnlyList<InstanceEntry> Instances,
        IReadOnlyList<FunctionDescriptor> Functions,
        IReadOnlyList<ModelDescriptor> Models)
    {
        public static ServiceEntry From(string name, IReadOnlyList<RegisteredInstance> instances, Caller caller)
        {
            var newest = instances.MaxBy(i => i.RegisteredAt)!.Descriptor;
            // A function that serves an OpenAI endpoint also needs that endpoint's scope, as AuthoriseStep checks on every call.
            var functions = newest.Functions.Where(f => GatewayEndpoints.ServedBy(f.Method, f.Path) is not { } served || caller.AllowsScope(served.Scope)).ToList();
            var models = instances.Where(i => i.State == InstanceState.Ready)
                .SelectMany(i => i.Descriptor.Models ?? [])
                .Where(m => caller.AllowsModel(m.Id))
                .DistinctBy(m => m.Id, StringComparer.Ordinal)
                .OrderBy(m => m.Id, StringComparer.Ordinal)
                .ToList();
            return new ServiceEntry(name, newest.Kind, newest.Description, newest.Version, StateOf(instances), [.. instances.OrderBy(i => i.InstanceId, StringComparer.Ordinal).Select(InstanceEntry.From)], functions, models);
        }

        // The service is ready when any instance is: the gateway routes to the ready ones.
        private static string StateOf(IReadOnlyList<RegisteredInstance> instances) =>
            instances.Any(i => i.State == InstanceState.Ready) ? InstanceView.StateName(InstanceState.Ready)
            : instances.Any(i => i.State == InstanceState.Registering) ? InstanceView.StateName(InstanceState.Registering)
            : InstanceView.StateName(InstanceState.Unhealthy);
    }

    /// <summary>An instance without its address: a tenant reaches services through the gateway only.</summary>
    internal sealed record InstanceEntry(string InstanceId, string Version, string State, string? StateReason, IReadOnlyDictionary<string, string> Labels)
    {
        public static InstanceEntry From(RegisteredInstance instance) =>
            new(instance.InstanceId, instance.Descriptor.Version, InstanceView.StateName(instance.State), instance.StateReason, instance.Descriptor.Labels);
    }
}
