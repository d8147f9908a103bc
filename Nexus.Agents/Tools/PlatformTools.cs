using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Nexus.Contract;

namespace Nexus.Agents.Tools;

/// <summary>
/// The platform's own tools: what the registry knows (services, instances, health, models) and the agent's own tenant's
/// usage. Each is read-only and goes through the same policy as every other tool.
/// </summary>
internal static class PlatformTools
{
    private static readonly FunctionAnnotations ReadOnly = new() { ReadOnly = true };

    public static IEnumerable<BusTool> Create(RegistryMirror registry, ToolCallContext call)
    {
        yield return Tool("platform.list_services", "Lists the registered services with their kind, state and functions.", () => Services(registry));
        yield return Tool("platform.list_instances", "Lists every registered instance with its service, state and the reason it is not ready.", () => Instances(registry));
        yield return Tool("platform.service_health", "The health of one service: each instance's state and reason.", ([Description("The service name.")] string service) => Health(registry, service));
        yield return Tool("platform.list_models", "Lists the models the agent's key may use, from the gateway's /v1/models.", (CancellationToken ct) => GetAsync(call, "v1/models", ct));
        yield return Tool("platform.read_usage", "Token usage of the agent's own tenant by key and model, from the gateway's /v1/usage.", (CancellationToken ct) => GetAsync(call, "v1/usage", ct));
    }

    private static BusTool Tool(string name, string description, Delegate method) =>
        new(name, ReadOnly, AIFunctionFactory.Create(method, new AIFunctionFactoryOptions { Name = ToolNames.ForModel(name), Description = description }));

    private static object Services(RegistryMirror registry) => new
    {
        services = registry.Instances.GroupBy(i => i.Service).Select(g => new
        {
            name = g.Key,
            kind = g.First().Descriptor.Kind,
            description = g.First().Descriptor.Description,
            ready = g.Count(i => i.State == "ready"),
            instances = g.Count(),
            functions = g.First().Descriptor.Functions.Select(f => f.Name),
        }),
        problem = registry.Problem,
    };

    private static object Instances(RegistryMirror registry) => new
    {
        instances = registry.Instances.Select(i => new { i.InstanceId, i.Service, i.Kind, i.State, i.StateReason, version = i.Descriptor.Version }),
        problem = registry.Problem,
    };

    private static object Health(RegistryMirror registry, string service)
    {
        var instances = registry.Instances.Where(i => i.Service == service).ToList();
        if (instances.Count == 0) return new { service, known = false, detail = $"No instance of '{service}' is registered." };
        return new { service, known = true, ready = instances.Any(i => i.State == "ready"), instances = instances.Select(i => new { i.InstanceId, i.State, i.StateReason }) };
    }

    private static async Task<object> GetAsync(ToolCallContext call, string path, CancellationToken cancellationToken)
    {
        using var client = call.CreateGatewayClient();
        using var response = await client.GetAsync(path, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) return $"The gateway answered HTTP {(int)response.StatusCode}: {call.Truncate(text)}";
        return text.Length > call.MaxCharacters ? call.Truncate(text) : JsonDocument.Parse(text).RootElement.Clone();
    }
}
