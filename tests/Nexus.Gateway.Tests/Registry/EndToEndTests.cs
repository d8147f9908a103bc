using Nexus.Gateway.Registry;
using Nexus.Gateway.Tests.Registry.Infrastructure;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>A service built on ServiceDefaults, given only the registry's address and token, joins and is gated on its health.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task ServiceDefaultsService_WithOnlyRegistryUrlAndToken_RegistersBecomesReadyAndFollowsItsHealth()
    {
        await using var gateway = await RegistryGateway.StartAsync();
        var service = await TestInstance.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Registry:Url"] = gateway.BaseAddress.ToString(),
            ["Nexus:Registry:Token"] = RegistryGateway.Token,
        });
        var descriptor = await service.DescriptorAsync();
        try
        {
            var ready = await Eventually.WaitAsync(() => gateway.Registry.Find(descriptor.InstanceId), i => i?.State == InstanceState.Ready, "the service to register and become ready");
            ready!.BaseUrl.ShouldBe(service.BaseAddress);
            gateway.Registry.ReadyForService(descriptor.Name).Select(i => i.InstanceId).ShouldBe([descriptor.InstanceId]);

            service.Healthy = false;
            await Eventually.WaitAsync(() => gateway.Registry.Find(descriptor.InstanceId), i => i?.State == InstanceState.Unhealthy, "the service to turn unhealthy");
            gateway.Registry.ReadyForService(descriptor.Name).ShouldBeEmpty();

            service.Healthy = true;
            await Eventually.WaitAsync(() => gateway.Registry.Find(descriptor.InstanceId), i => i?.State == InstanceState.Ready, "the service to recover");
        }
        finally
        {
            await service.DisposeAsync();
        }

        // Stopping the service deregisters it.
        gateway.Registry.Find(descriptor.InstanceId).ShouldBeNull();
    }
}
