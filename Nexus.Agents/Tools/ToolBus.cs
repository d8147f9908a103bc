using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nexus.Agents.Tools.Workspace;
using Nexus.Contract;

namespace Nexus.Agents.Tools;

/// <summary>
/// Every tool an agent could be given: the platform tools and the run's workspace tools, then the functions of each ready
/// registered service (its first ready instance's descriptor; instances of one service serve one contract). The agents
/// service's own functions are not tools: an agent reaches another agent only as a declared sub-agent, within its budget.
/// </summary>
internal sealed class ToolBus(RegistryMirror registry, WorkspaceTools workspaces)
{
    private readonly ConcurrentDictionary<string, (JsonObject Schema, JsonSchemaValidator Validator)> _validators = new();

    public IReadOnlyList<BusTool> Tools(ToolCallContext call)
    {
        var tools = new List<BusTool>(PlatformTools.Create(registry, call).Concat(workspaces.Create(call.RunId)));
        foreach (var instance in registry.Instances.Where(i => i.State == "ready" && i.Kind != ServiceKinds.Agents).DistinctBy(i => i.Service))
        {
            foreach (var function in instance.Descriptor.Functions)
            {
                var name = $"{instance.Service}.{function.Name}";
                tools.Add(new BusTool(name, function.Annotations, new ServiceFunctionTool(instance.Service, function, Validator(name, function.InputSchema), call)));
            }
        }

        return tools;
    }

    // A validator parses its schema once; a new descriptor (another schema object) gets a new one.
    private JsonSchemaValidator Validator(string name, JsonObject schema)
    {
        if (_validators.TryGetValue(name, out var cached) && ReferenceEquals(cached.Schema, schema)) return cached.Validator;
        var validator = new JsonSchemaValidator(schema);
        _validators[name] = (schema, validator);
        return validator;
    }
}
