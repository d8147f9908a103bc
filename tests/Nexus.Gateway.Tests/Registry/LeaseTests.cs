using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Registry.Backends;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

public sealed class LeaseTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly IOptions<RegistryOptions> _options = Options.Create(new RegistryOptions { LeaseSeconds = 30 });

    [Fact]
    public async Task ExpireLeases_AfterTheLeaseWithoutRenewal_RemovesTheInstanceAsGone()
    {
        var registry = new ServiceRegistry(_options, _time, NullLogger<ServiceRegistry>.Instance);
        var backend = new EmbeddedBackend(registry, _options, _time);
        await backend.CreateAsync(Record("a"), null, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var watch = registry.WatchAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        (await watch.MoveNextAsync()).ShouldBeTrue();

        _time.Advance(TimeSpan.FromSeconds(29));
        registry.ExpireLeases(_time.GetUtcNow()).ShouldBeEmpty();
        _time.Advance(TimeSpan.FromSeconds(1));
        registry.ExpireLeases(_time.GetUtcNow()).ShouldBe(["a"]);

        registry.Find("a").ShouldBeNull();
        (await watch.MoveNextAsync()).ShouldBeTrue();
        watch.Current.Kind.ShouldBe(RegistryChangeKind.Removed);
        watch.Current.Instance.State.ShouldBe(InstanceState.Gone);
        watch.Current.Instance.StateReason.ShouldBe("lease expired");
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task RenewAsync_BeforeExpiry_PushesTheExpiryOneLeaseFromNow()
    {
        var registry = new ServiceRegistry(_options, _time, NullLogger<ServiceRegistry>.Instance);
        var backend = new EmbeddedBackend(registry, _options, _time);
        var record = Record("a");
        await backend.CreateAsync(record, null, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(20));
        (await backend.RenewAsync(record, 0, CancellationToken.None)).ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(20));

        registry.ExpireLeases(_time.GetUtcNow()).ShouldBeEmpty();
        registry.Find("a")!.LeaseExpiresAt.ShouldBe(_time.GetUtcNow().AddSeconds(10));
    }

    [Fact]
    public async Task RenewAsync_AfterExpiry_ReportsTheInstanceUnknown()
    {
        var registry = new ServiceRegistry(_options, _time, NullLogger<ServiceRegistry>.Instance);
        var backend = new EmbeddedBackend(registry, _options, _time);
        var record = Record("a");
        await backend.CreateAsync(record, null, CancellationToken.None);

        _time.Advance(TimeSpan.FromSeconds(31));
        registry.ExpireLeases(_time.GetUtcNow());

        (await backend.RenewAsync(record, 0, CancellationToken.None)).ShouldBeFalse();
    }

    [Fact]
    public async Task Gateway_InstanceThatStopsRenewing_DisappearsAfterItsLease()
    {
        await using var gateway = await RegistryGateway.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:LeaseSeconds"] = "2" });
        await using var instance = await TestInstance.StartAsync();
        using var http = new HttpClient();
        var registration = await new RegistrationClient(http).RegisterAsync(
            gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = instance.Url, Descriptor = await instance.DescriptorAsync() }, CancellationToken.None);
        gateway.Registry.Find(registration.InstanceId).ShouldNotBeNull();

        await Eventually.WaitAsync(() => gateway.Registry.Find(registration.InstanceId), i => i is null, "the lease to expire", TimeSpan.FromSeconds(10));

        var renewal = await new RegistrationClient(http).RenewAsync(gateway.BaseAddress, registration, new RenewLeaseRequest { Version = "1", DescriptorHash = "x" }, CancellationToken.None);
        renewal.ShouldBeNull();
    }

    private InstanceRecord Record(string id) => new()
    {
        InstanceId = id,
        BaseUrl = "http://127.0.0.1:1",
        Descriptor = new NexusServiceDescriptor { Name = "svc", Version = "1.0.0", Kind = ServiceKinds.Custom, InstanceId = id },
        SecretHash = InstanceSecrets.Hash("secret"),
        DescriptorHash = "hash",
        RegisteredAt = _time.GetUtcNow(),
        LeaseSeconds = 30,
    };
}
