using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>Readiness gating against a real instance whose /health the test flips.</summary>
public sealed class ReadinessTests : RegistryFixture
{
    [Fact]
    public async Task Probing_InstanceWhoseHealthFlips_IsRoutedOnlyWhileReady()
    {
        var descriptor = await Instance.DescriptorAsync();
        var id = await RegisterAsync(descriptor);

        await WaitForStateAsync(id, InstanceState.Ready);
        Gateway.Registry.ReadyForService(descriptor.Name).ShouldContain(i => i.InstanceId == id);

        Instance.Healthy = false;
        var unhealthy = await WaitForStateAsync(id, InstanceState.Unhealthy);
        unhealthy.StateReason!.ShouldContain("503");
        Gateway.Registry.ReadyForService(descriptor.Name).ShouldBeEmpty();

        Instance.Healthy = true;
        await WaitForStateAsync(id, InstanceState.Ready);
        Gateway.Registry.ReadyForService(descriptor.Name).ShouldContain(i => i.InstanceId == id);
    }

    [Fact]
    public async Task Probing_InstanceUnhealthyFromTheStart_StaysRegisteringWithTheReason()
    {
        Instance.Healthy = false;
        var id = await RegisterAsync(await Instance.DescriptorAsync());

        var instance = await Eventually.WaitAsync(() => Gateway.Registry.Find(id)!, i => i.StateReason?.Contains("503", StringComparison.Ordinal) == true, "a failed probe");

        instance.State.ShouldBe(InstanceState.Registering);
    }

    [Fact]
    public async Task ReadyForModel_ListsOnlyReadyInstancesWithTheModelReady()
    {
        var served = await Instance.DescriptorAsync();
        var withModel = served with { InstanceId = "with-model", Models = [new ModelDescriptor { Id = "llama" }, new ModelDescriptor { Id = "pulling", Ready = false }] };
        var id = await RegisterAsync(withModel);
        await WaitForStateAsync(id, InstanceState.Ready);

        Gateway.Registry.ReadyForModel("llama").Select(i => i.InstanceId).ShouldBe([id]);
        Gateway.Registry.ReadyForModel("pulling").ShouldBeEmpty();
        Gateway.Registry.ReadyForModel("absent").ShouldBeEmpty();
    }

    private async Task<string> RegisterAsync(NexusServiceDescriptor descriptor)
    {
        var registration = await new RegistrationClient(Http).RegisterAsync(
            Gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = Instance.Url, Descriptor = descriptor }, CancellationToken.None);
        return registration.InstanceId;
    }

    private Task<RegisteredInstance> WaitForStateAsync(string id, InstanceState state) =>
        Eventually.WaitAsync(() => Gateway.Registry.Find(id)!, i => i.State == state, $"{id} to become {state}");
}
