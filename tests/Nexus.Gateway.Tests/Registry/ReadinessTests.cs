using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>Readiness gating against a real instance whose /health the test flips.</summary>
public sealed class ReadinessTests : IAsyncLifetime
{
    private RegistryGateway _gateway = null!;
    private TestInstance _instance = null!;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async Task InitializeAsync()
    {
        _gateway = await RegistryGateway.StartAsync();
        _instance = await TestInstance.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _instance.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Probing_InstanceWhoseHealthFlips_IsRoutedOnlyWhileReady()
    {
        var descriptor = await _instance.DescriptorAsync();
        var id = await RegisterAsync(descriptor);

        await WaitForStateAsync(id, InstanceState.Ready);
        _gateway.Registry.ReadyForService(descriptor.Name).ShouldContain(i => i.InstanceId == id);

        _instance.Healthy = false;
        var unhealthy = await WaitForStateAsync(id, InstanceState.Unhealthy);
        unhealthy.StateReason!.ShouldContain("503");
        _gateway.Registry.ReadyForService(descriptor.Name).ShouldBeEmpty();

        _instance.Healthy = true;
        await WaitForStateAsync(id, InstanceState.Ready);
        _gateway.Registry.ReadyForService(descriptor.Name).ShouldContain(i => i.InstanceId == id);
    }

    [Fact]
    public async Task Probing_InstanceUnhealthyFromTheStart_StaysRegisteringWithTheReason()
    {
        _instance.Healthy = false;
        var id = await RegisterAsync(await _instance.DescriptorAsync());

        var instance = await Eventually.WaitAsync(() => _gateway.Registry.Find(id)!, i => i.StateReason?.Contains("503", StringComparison.Ordinal) == true, "a failed probe");

        instance.State.ShouldBe(InstanceState.Registering);
    }

    [Fact]
    public async Task ReadyForModel_ListsOnlyReadyInstancesWithTheModelReady()
    {
        var served = await _instance.DescriptorAsync();
        var withModel = served with { InstanceId = "with-model", Models = [new ModelDescriptor { Id = "llama" }, new ModelDescriptor { Id = "pulling", Ready = false }] };
        var id = await RegisterAsync(withModel);
        await WaitForStateAsync(id, InstanceState.Ready);

        _gateway.Registry.ReadyForModel("llama").Select(i => i.InstanceId).ShouldBe([id]);
        _gateway.Registry.ReadyForModel("pulling").ShouldBeEmpty();
        _gateway.Registry.ReadyForModel("absent").ShouldBeEmpty();
    }

    private async Task<string> RegisterAsync(NexusServiceDescriptor descriptor)
    {
        var registration = await new RegistrationClient(_http).RegisterAsync(
            _gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = _instance.Url, Descriptor = descriptor }, CancellationToken.None);
        return registration.InstanceId;
    }

    private Task<RegisteredInstance> WaitForStateAsync(string id, InstanceState state) =>
        Eventually.WaitAsync(() => _gateway.Registry.Find(id)!, i => i.State == state, $"{id} to become {state}");
}
