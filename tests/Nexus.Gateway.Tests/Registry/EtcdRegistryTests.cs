using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Registry.Api;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Metadata;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>Several gateways sharing one real etcd: every gateway sees every registration, renewal and expiry.</summary>
public sealed class EtcdRegistryTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>, IAsyncLifetime
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly List<IAsyncDisposable> _owned = [];

    // Each test works under its own key prefix, so tests sharing the etcd process share no data.
    private readonly string _prefix = $"/nexus-tests/{Guid.NewGuid():N}/instances/";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http.Dispose();
        foreach (var owned in Enumerable.Reverse(_owned)) await owned.DisposeAsync();
    }

    [SkippableFact]
    public async Task Register_OnOneGateway_IsSeenByEveryGatewayOnTheSameEtcd()
    {
        var (a, b) = (await GatewayAsync(), await GatewayAsync());
        var instance = await InstanceAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var watch = b.Registry.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);

        var registration = await RegisterAsync(a, instance);

        (await watch.MoveNextAsync()).ShouldBeTrue();
        watch.Current.Kind.ShouldBe(RegistryChangeKind.Added);
        watch.Current.Instance.InstanceId.ShouldBe(registration.InstanceId);
        var seenByB = await b.Client.GetFromJsonAsync<InstanceView>($"v1/registry/instances/{registration.InstanceId}", NexusJson.Options);
        seenByB!.BaseUrl.ShouldBe(instance.Url);
        // B probes the instance itself and routes to it once it is healthy.
        await Eventually.WaitAsync(() => b.Registry.ReadyForService(seenByB.Service), r => r.Count == 1, "gateway B to see the instance ready");
        var late = await GatewayAsync();
        await Eventually.WaitAsync(() => late.Registry.Find(registration.InstanceId), i => i is not null, "a gateway started later to list the instance");
        await watch.DisposeAsync();
    }

    [SkippableFact]
    public async Task Instance_ThatStopsRenewing_DisappearsFromEveryGatewayWhenItsLeaseRunsOut()
    {
        var settings = new Dictionary<string, string?> { ["Nexus:Registry:LeaseSeconds"] = "2" };
        var (a, b) = (await GatewayAsync(settings), await GatewayAsync(settings));
        var instance = await InstanceAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watch = b.Registry.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);

        // Registered, then never renewed: to the registry, the same as a process killed with SIGKILL.
        var registration = await RegisterAsync(a, instance);

        var kinds = new List<RegistryChangeKind>();
        while (await watch.MoveNextAsync())
        {
            if (watch.Current.Instance.InstanceId != registration.InstanceId) continue;
            kinds.Add(watch.Current.Kind);
            if (watch.Current.Kind == RegistryChangeKind.Removed) break;
        }

        kinds[0].ShouldBe(RegistryChangeKind.Added);
        kinds[^1].ShouldBe(RegistryChangeKind.Removed);
        await Eventually.WaitAsync(() => a.Registry.Find(registration.InstanceId), i => i is null, "gateway A to drop the instance");
        var renewal = await new RegistrationClient(_http).RenewAsync(a.BaseAddress, registration, Renewal(await instance.DescriptorAsync()), CancellationToken.None);
        renewal.ShouldBeNull();
        await watch.DisposeAsync();
    }

    [SkippableFact]
    public async Task RenewAndDeregister_OnAnotherGateway_ActOnTheSharedRegistration()
    {
        var settings = new Dictionary<string, string?> { ["Nexus:Registry:LeaseSeconds"] = "3" };
        var (a, b) = (await GatewayAsync(settings), await GatewayAsync(settings));
        var instance = await InstanceAsync();
        var registration = await RegisterAsync(a, instance);
        await Eventually.WaitAsync(() => b.Registry.Find(registration.InstanceId), i => i is not null, "gateway B to see the instance");
        var client = new RegistrationClient(_http);
        var descriptor = await instance.DescriptorAsync();

        // Renewing through B alone for longer than the lease keeps the instance on both gateways.
        for (var i = 0; i < 5; i++)
        {
            (await client.RenewAsync(b.BaseAddress, registration, Renewal(descriptor), CancellationToken.None)).ShouldNotBeNull();
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        a.Registry.Find(registration.InstanceId).ShouldNotBeNull();
        await client.DeregisterAsync(b.BaseAddress, registration, CancellationToken.None);
        await Eventually.WaitAsync(() => a.Registry.Find(registration.InstanceId), i => i is null, "gateway A to drop the deregistered instance");
    }

    [SkippableFact]
    public async Task Renew_WithNewVersionOnOneGateway_SpreadsTheRefetchedDescriptorToTheOthers()
    {
        var (a, b) = (await GatewayAsync(), await GatewayAsync());
        var instance = await InstanceAsync();
        var served = await instance.DescriptorAsync();
        var client = new RegistrationClient(_http);
        var registration = await client.RegisterAsync(
            a.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = instance.Url, Descriptor = served with { Version = "0.0.1-old", Functions = [] } }, CancellationToken.None);
        await Eventually.WaitAsync(() => b.Registry.Find(registration.InstanceId), i => i is not null, "gateway B to see the instance");

        await client.RenewAsync(b.BaseAddress, registration, Renewal(served), CancellationToken.None);

        var updated = await Eventually.WaitAsync(() => a.Registry.Find(registration.InstanceId)!, i => i.Descriptor.Version == served.Version, "gateway A to see the new descriptor");
        updated.Descriptor.Functions.ShouldContain(f => f.Name == "echo");
    }

    [SkippableFact]
    public async Task ServiceProcess_KilledWithSigkill_DisappearsFromEveryGatewayWhenItsLeaseRunsOut()
    {
        var settings = new Dictionary<string, string?> { ["Nexus:Registry:LeaseSeconds"] = "3" };
        var (a, b) = (await GatewayAsync(settings), await GatewayAsync(settings));
        var instanceId = $"killable-{Guid.NewGuid():N}";
        await using var service = ServiceProcess.Start(new Dictionary<string, string>
        {
            ["Nexus__Name"] = "killable",
            ["Nexus__InstanceId"] = instanceId,
            ["Nexus__Registry__Url"] = a.BaseAddress.ToString(),
            ["Nexus__Registry__Token"] = RegistryGateway.Token,
        });

        var first = await Eventually.WaitAsync(() => a.Registry.Find(instanceId), i => i is not null, "the service process to register", TimeSpan.FromSeconds(60));
        await Eventually.WaitAsync(() => b.Registry.Find(instanceId), i => i?.State == InstanceState.Ready, "gateway B to see the service ready");
        // It renews while it lives (every third of the lease), so it outlives its first lease on both gateways.
        var pastFirstLease = first!.LeaseExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
        if (pastFirstLease > TimeSpan.Zero) await Task.Delay(pastFirstLease);
        a.Registry.Find(instanceId).ShouldNotBeNull();
        b.Registry.Find(instanceId).ShouldNotBeNull();

        await service.KillAsync();

        await Eventually.WaitAsync(() => a.Registry.Find(instanceId), i => i is null, "gateway A to drop the killed service", TimeSpan.FromSeconds(20));
        await Eventually.WaitAsync(() => b.Registry.Find(instanceId), i => i is null, "gateway B to drop the killed service", TimeSpan.FromSeconds(20));
    }

    private async Task<RegistryGateway> GatewayAsync(Dictionary<string, string?>? settings = null)
    {
        var server = etcd.Require();
        var configuration = new Dictionary<string, string?>(settings ?? [])
        {
            ["Nexus:Registry:Etcd:Url"] = server.ClientUrl,
            ["Nexus:Registry:Etcd:Prefix"] = _prefix,
        };
        var gateway = await RegistryGateway.StartAsync(configuration);
        _owned.Add(gateway);
        return gateway;
    }

    private async Task<TestInstance> InstanceAsync()
    {
        var instance = await TestInstance.StartAsync();
        _owned.Add(instance);
        return instance;
    }

    private async Task<RegisterInstanceResponse> RegisterAsync(RegistryGateway gateway, TestInstance instance) =>
        await new RegistrationClient(_http).RegisterAsync(
            gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = instance.Url, Descriptor = await instance.DescriptorAsync() }, CancellationToken.None);

    private static RenewLeaseRequest Renewal(NexusServiceDescriptor descriptor) =>
        new() { Version = descriptor.Version, DescriptorHash = DescriptorProvider.Hash(descriptor) };
}
