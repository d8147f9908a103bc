using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using Nexus.Contract;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Mcp.Routes;
using Nexus.Gateway.Registry;
using Nexus.ServiceDefaults.Mcp;

namespace Nexus.Gateway.Mcp;

/// <summary>Every tool of the gateway at one moment, ordered by name (the order pages follow).</summary>
internal sealed class ToolCatalog(IReadOnlyList<GatewayTool> tools)
{
    private readonly Dictionary<string, GatewayTool> _byName = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
    private string? _fingerprint;

    public IReadOnlyList<GatewayTool> Tools { get; } = tools;

    public GatewayTool? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A hash of every tool definition and the policy inputs: equal fingerprints, equal listings for every key.</summary>
    public string Fingerprint => _fingerprint ??= Hash();

    private string Hash()
    {
        var text = new StringBuilder();
        foreach (var tool in Tools)
        {
            text.Append(JsonSerializer.Serialize(tool.Definition, McpJsonUtilities.DefaultOptions)).Append('\n');
            text.Append(tool.PolicyInputs).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>
/// The gateway's tools: one per function of every ready registered instance's descriptor, then the tools of every
/// reachable MCP route. Built again only when the registry's snapshot or the routes' tools change; each descriptor's
/// tools are built once, however often its instance renews.
/// </summary>
internal sealed class GatewayTools(IServiceRegistry registry, McpRouteConnector routes)
{
    /// <summary>MCP's tool-name rule, which <c>service.function</c> meets for every valid descriptor (63 + 1 + 64).</summary>
    private const int MaxNameLength = 128;

    private readonly ConditionalWeakTable<NexusServiceDescriptor, IReadOnlyList<(FunctionDescriptor Function, FunctionTool Tool)>> _byDescriptor = [];
    // One object, so a reader never pairs one snapshot with another's catalog.
    private sealed record Built(IReadOnlyList<RegisteredInstance> Snapshot, long RoutesVersion, ToolCatalog Catalog);

    private Built? _current;

    public ToolCatalog Current()
    {
        var snapshot = registry.Snapshot();
        var routesVersion = routes.Version;
        if (Volatile.Read(ref _current) is { } current && ReferenceEquals(current.Snapshot, snapshot) && current.RoutesVersion == routesVersion) return current.Catalog;
        var catalog = Build(snapshot);
        Volatile.Write(ref _current, new Built(snapshot, routesVersion, catalog));
        return catalog;
    }

    private ToolCatalog Build(IReadOnlyList<RegisteredInstance> snapshot)
    {
        var tools = new List<GatewayTool>();
        foreach (var service in snapshot.Where(i => i.State == InstanceState.Ready).GroupBy(i => i.ServiceName, StringComparer.Ordinal))
        {
            var models = service.SelectMany(i => i.Descriptor.Models ?? []).Where(m => m.Ready).Select(m => m.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // Instances of two versions may differ: the newest registration's definition of a function wins.
            foreach (var instance in service.OrderByDescending(i => i.RegisteredAt))
            {
                foreach (var (function, tool) in ToolsOf(instance.Descriptor))
                {
                    if (!seen.Add(function.Name)) continue;
                    tools.Add(new FunctionGatewayTool(tool.Tool.Name, service.Key, tool, GatewayEndpoints.ServedBy(function.Method, function.Path), models));
                }
            }
        }

        // A registered service's function wins over a route's tool of the same name (a route named like a service).
        var names = tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        tools.AddRange(routes.Tools().Where(t => names.Add(t.Name)));

        tools.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new ToolCatalog(tools);
    }

    private IReadOnlyList<(FunctionDescriptor, FunctionTool)> ToolsOf(NexusServiceDescriptor descriptor) =>
        _byDescriptor.GetValue(descriptor, static d =>
        [
            .. d.Functions
                .Select(f => (Function: f, Tool: FunctionTool.For(f, $"{d.Name}.{f.Name}")))
                .Where(t => t.Tool is not null && t.Tool.Tool.Name.Length <= MaxNameLength)
                .Select(t => (t.Function, t.Tool!)),
        ]);
}
