using Microsoft.Extensions.Options;
using Nexus.Agents.Specs;
using Nexus.Contract;

namespace Nexus.Agents;

/// <summary>
/// Each agent as the model <c>agent:&lt;name&gt;</c> in the descriptor, so the gateway routes that model's chat
/// completions here and lists it in <c>/v1/models</c> for the keys allowed to use it.
/// </summary>
internal sealed class AgentModelCatalog(SpecCatalog specs, IOptions<AgentsOptions> options) : IModelCatalog
{
    public const string Prefix = "agent:";

    public ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        string? reason = string.IsNullOrEmpty(settings.GatewayUrl) ? "Agents:GatewayUrl is not configured"
            : string.IsNullOrEmpty(settings.ApiKey) ? "Agents:ApiKey is not configured" : null;
        IReadOnlyList<ModelDescriptor> models = [.. specs.Agents.Select(spec => new ModelDescriptor
        {
            Id = Prefix + spec.Name,
            OwnedBy = "nexus-agents",
            Labels = new Dictionary<string, string> { ["agent"] = spec.Name, ["model"] = spec.Model },
            Ready = reason is null && !string.IsNullOrEmpty(settings.KeyFor(spec.Name)),
            Reason = reason,
        })];
        return ValueTask.FromResult(models);
    }
}
