using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nexus.Agents.Tools.Mcp;
using Nexus.Agents.Tools.Workspace;
using Nexus.Contract;

namespace Nexus.Agents.Tools;

/// <summary>
/// Every tool an agent could be given: the platform tools and the run's workspace tools, then the functions of each ready
/// registered service (its first ready instance's descriptor; instances of one service serve one contract), then the tools
/// of each ready configured MCP server (a name a service already has stays the service's). The agents service's own
/// functions are not tools: an agent reaches another agent only as a declared sub-agent, within its budget.
/// </summary>
internal sealed class ToolBus(RegistryMirror registry, WorkspaceTools workspaces, McpServers mcpServers)
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

        var names = tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var server in mcpServers.Ready)
        {
            foreach (var tool in server.Tools.Where(t => names.Add(t.Name)))
            {
                tools.Add(new BusTool(tool.Name, tool.Annotations, new McpBusFunction(tool, server.Link, call)));
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
