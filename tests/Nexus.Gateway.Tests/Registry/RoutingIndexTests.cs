using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nexus.Contract;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>What routing reads from the registry on every request, answered from the index built with each snapshot.</summary>
public sealed class RoutingIndexTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ServiceRegistry _registry;

    public RoutingIndexTests()
    {
        var options = Options.Create(new RegistryOptions { Health = new RegistryHealthOptions { HealthyThreshold = 1 } });
        _registry = new ServiceRegistry(options, _time, NullLogger<ServiceRegistry>.Instance);
    }

    [Fact]
    public void ReadyForModel_ListsEachReadyInstanceOnce_AndOnlyForItsReadyModels()
    {
        Register("b", "svc", new ModelDescriptor { Id = "llama" }, new ModelDescriptor { Id = "llama" }, new ModelDescriptor { Id = "loading", Ready = false });
        Register("a", "svc", new ModelDescriptor { Id = "llama" });
        Register("c", "other", new ModelDescriptor { Id = "llama" });
        _registry.ApplyProbe("a", healthy: true, null);
        _registry.ApplyProbe("b", healthy: true, null);

        _registry.ReadyForModel("llama").Select(i => i.InstanceId).ShouldBe(["a", "b"]);
        _registry.ReadyForModel("loading").ShouldBeEmpty();
        _registry.ReadyForService("svc").Select(i => i.InstanceId).ShouldBe(["a", "b"]);
        _registry.ReadyForService("other").ShouldBeEmpty();
        _registry.ReadyForService("missing").ShouldBeEmpty();

        // Known is any state: "loading" and the registering "other" are 503s, not 404s.
        _registry.IsKnownModel("loading").ShouldBeTrue();
        _registry.IsKnownService("other").ShouldBeTrue();
        _registry.IsKnownModel("missing").ShouldBeFalse();
        _registry.Find("c")!.State.ShouldBe(InstanceState.Registering);
        _registry.Find("missing").ShouldBeNull();
    }

    [Fact]
    public void ReadyForModel_FollowsHealthAndRemoval()
    {
        Register("a", "svc", new ModelDescriptor { Id = "llama" });
        _registry.ApplyProbe("a", healthy: true, null);
        var before = _registry.ReadyForModel("llama");
        before.Count.ShouldBe(1);
        _registry.ReadyForModel("llama").ShouldBeSameAs(before); // no array per request

        _registry.ApplyProbe("a", healthy: false, "down");
        _registry.ApplyProbe("a", healthy: false, "down");
        _registry.ReadyForModel("llama").ShouldBeEmpty();
        _registry.IsKnownModel("llama").ShouldBeTrue();

        _registry.Remove("a", "deregistered");
        _registry.Find("a").ShouldBeNull();
        _registry.ReadyForService("svc").ShouldBeEmpty();
    }

    private void Register(string id, string service, params ModelDescriptor[] models) => _registry.Upsert(
        new InstanceRecord
        {
            InstanceId = id,
            BaseUrl = "http://127.0.0.1:1",
            Descriptor = new NexusServiceDescriptor { Name = service, Version = "1.0.0", Kind = ServiceKinds.Inference, InstanceId = id, Models = models },
            SecretHash = InstanceSecrets.Hash("secret"),
            DescriptorHash = "hash",
            RegisteredAt = _time.GetUtcNow(),
            LeaseSeconds = 30,
        },
        leaseId: 0,
        _time.GetUtcNow().AddSeconds(30));
}
