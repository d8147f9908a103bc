using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Nexus.Agents.Specs;
using Nexus.Agents.Tools;
using Nexus.Agents.Tools.Mcp;

namespace Nexus.Agents;

/// <summary>
/// Ready when the agents can reach models: a gateway and a key. A registry the tool bus cannot read, or a configured MCP
/// server that does not answer, degrades it.
/// </summary>
internal sealed class AgentsHealthCheck(IOptions<AgentsOptions> options, RegistryMirror registry, SpecCatalog specs, McpServers mcpServers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var data = new Dictionary<string, object> { ["agents"] = specs.Agents.Count, ["invalidSpecs"] = specs.Problems.Count };
        if (string.IsNullOrEmpty(settings.GatewayUrl)) return Task.FromResult(HealthCheckResult.Unhealthy("Agents:GatewayUrl is not configured: no model can be called.", data: data));
        if (string.IsNullOrEmpty(settings.ApiKey)) return Task.FromResult(HealthCheckResult.Unhealthy("Agents:ApiKey is not configured: the agents have no gateway key.", data: data));
        var problems = new[] { registry.Problem }.Concat(mcpServers.Problems()).OfType<string>().ToList();
        if (problems.Count > 0) return Task.FromResult(HealthCheckResult.Degraded(string.Join(" ", problems), data: data));
        return Task.FromResult(HealthCheckResult.Healthy(data: data));
    }
}
