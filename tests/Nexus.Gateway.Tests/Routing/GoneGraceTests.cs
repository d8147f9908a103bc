using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Routing.Static;

namespace Nexus.Gateway.Tests.Routing;

/// <summary>A registered service that dies is unavailable (503) for a grace period, not unknown (404).</summary>
public sealed class GoneGraceTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ForService_LastInstanceLeaseExpired_NoneReadyUntilTheGracePeriodEnds()
    {
        var (registry, routes) = Build(TimeSpan.FromMinutes(5));
        registry.Upsert(Record("ocr-1", "ocr", "tesseract"), 0, _time.GetUtcNow().AddSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(31));
        registry.ExpireLeases(_time.GetUtcNow()).ShouldBe(["ocr-1"]);

        routes.ForService("ocr").Outcome.ShouldBe(RouteOutcome.NoneReady);
        routes.ForModel("tesseract").Outcome.ShouldBe(RouteOutcome.NoneReady);
        _time.Advance(TimeSpan.FromMinutes(5));
        routes.ForService("ocr").Outcome.ShouldBe(RouteOutcome.Unknown);
        routes.ForModel("tesseract").Outcome.ShouldBe(RouteOutcome.Unknown);
    }

    [Fact]
    public void ForService_AnotherInstanceStillRegistered_NotRememberedAsGone()
    {
        var (registry, routes) = Build(TimeSpan.Zero);
        registry.Upsert(Record("ocr-1", "ocr", "tesseract"), 0, _time.GetUtcNow().AddSeconds(30));
        registry.Upsert(Record("ocr-2", "ocr", "tesseract"), 0, _time.GetUtcNow().AddSeconds(90));

        _time.Advance(TimeSpan.FromSeconds(31));
        registry.ExpireLeases(_time.GetUtcNow());

        routes.ForService("ocr").Outcome.ShouldBe(RouteOutcome.NoneReady); // registering, not yet probed healthy
    }

    [Fact]
    public void ForService_GracePeriodZero_UnknownAsSoonAsTheLastInstanceLeaves()
    {
        var (registry, routes) = Build(TimeSpan.Zero);
        registry.Upsert(Record("ocr-1", "ocr", "tesseract"), 0, _time.GetUtcNow().AddSeconds(30));

        registry.Remove("ocr-1", "deregistered").ShouldBeTrue();

        routes.ForService("ocr").Outcome.ShouldBe(RouteOutcome.Unknown);
    }

    private (ServiceRegistry Registry, RouteResolver Routes) Build(TimeSpan grace)
    {
        var registry = new ServiceRegistry(Options.Create(new RegistryOptions { GoneServiceGrace = grace }), _time, NullLogger<ServiceRegistry>.Instance);
        var options = new FixedOptions(new GatewayOptions());
        return (registry, new RouteResolver(registry, new StaticRoutes(options), new StaticReachability()));
    }

    private InstanceRecord Record(string id, string service, string model) => new()
    {
        InstanceId = id,
        BaseUrl = "http://127.0.0.1:1",
        Descriptor = new NexusServiceDescriptor { Name = service, Version = "1.0.0", Kind = ServiceKinds.Ocr, InstanceId = id, Models = [new ModelDescriptor { Id = model }] },
        SecretHash = InstanceSecrets.Hash("secret"),
        DescriptorHash = "hash",
        RegisteredAt = _time.GetUtcNow(),
        LeaseSeconds = 30,
    };

    private sealed class FixedOptions(GatewayOptions value) : IOptionsMonitor<GatewayOptions>
    {
        public GatewayOptions CurrentValue => value;

        public GatewayOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
    }
}
