using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Ui.Gateway;

/// <summary>A service as the gateway's <c>GET /v1/services</c> shows it to a tenant key: what that key may use.</summary>
internal sealed record TenantService(
    string Name,
    string Kind,
    string? Description,
    string Version,
    string State,
    IReadOnlyList<TenantServiceInstance> Instances,
    IReadOnlyList<FunctionDescriptor> Functions,
    IReadOnlyList<ModelDescriptor> Models)
{
    public static IReadOnlyList<TenantService> ListFrom(JsonNode? answer) =>
        answer?["data"].Deserialize<List<TenantService>>(NexusJson.Options) ?? [];
}

/// <summary>One instance of it: state and labels, no address (a tenant reaches services through the gateway only).</summary>
internal sealed record TenantServiceInstance(string InstanceId, string Version, string State, string? StateReason, IReadOnlyDictionary<string, string> Labels);
