using System.Text.Json;
using Nexus.Contract;
using Nexus.Ui.Account;

namespace Nexus.Ui.Gateway;

/// <summary>
/// A service's descriptor as the signed-in key may see it: from the registry with the admin key (with every instance),
/// else through the gateway's service route with the tenant key (<c>/v1/services/{name}/v1/metadata</c>), which the
/// gateway allows only to keys with that service's scope.
/// </summary>
internal sealed class DescriptorSource(GatewayClient gateway)
{
    public async Task<(NexusServiceDescriptor? Descriptor, IReadOnlyList<InstanceInfo> Instances, string? Problem)> LoadAsync(UiSession session, string service, CancellationToken cancellationToken)
    {
        try
        {
            if (session.AdminKey is { } adminKey)
            {
                var list = await gateway.GetJsonAsync($"v1/registry/instances?service={Uri.EscapeDataString(service)}", adminKey, cancellationToken);
                var instances = list?["instances"]?.AsArray().Select(i => InstanceInfo.From(i!.AsObject())).ToList() ?? [];
                if (instances.Count > 0) return ((instances.FirstOrDefault(i => i.IsReady) ?? instances[0]).Descriptor, instances, null);
                if (session.TenantKey is null) return (null, [], $"No instance of '{service}' is registered.");
            }

            var descriptor = await gateway.GetJsonAsync($"v1/services/{Uri.EscapeDataString(service)}/v1/metadata", session.TenantKey!, cancellationToken);
            return (descriptor.Deserialize<NexusServiceDescriptor>(NexusJson.Options), [], null);
        }
        catch (GatewayException ex)
        {
            return (null, [], ex.Message);
        }
        catch (JsonException ex)
        {
            return (null, [], $"The service's descriptor is not valid JSON of the contract: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return (null, [], $"The gateway could not be reached: {ex.Message}");
        }
    }
}
