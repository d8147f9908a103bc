using Nexus.Gateway.Registry;
using Nexus.Gateway.Registry.Health;

namespace Nexus.Gateway.Tests.Registry;

public sealed class ProbeHealthTests
{
    private readonly RegistryHealthOptions _options = new() { HealthyThreshold = 3, UnhealthyThreshold = 2 };

    [Fact]
    public void OnProbe_HealthyForTheThreshold_MakesTheInstanceReady()
    {
        var health = new ProbeHealth(_options);

        health.OnProbe(true, null);
        health.OnProbe(true, null);
        health.State.ShouldBe(InstanceState.Registering);
        health.OnProbe(true, null).ShouldBeTrue();

        health.State.ShouldBe(InstanceState.Ready);
        health.Reason.ShouldBeNull();
    }

    [Fact]
    public void OnProbe_FlappingInstance_IsNotRoutedUntilHealthyForTheWholeThreshold()
    {
        var health = Ready();
        health.OnProbe(false, "503");
        health.OnProbe(false, "503");
        health.State.ShouldBe(InstanceState.Unhealthy);

        health.OnProbe(true, null);
        health.OnProbe(true, null);
        health.OnProbe(false, "503");
        health.OnProbe(true, null);
        health.OnProbe(true, null);
        health.State.ShouldBe(InstanceState.Unhealthy);
        health.Reason.ShouldBe("503");

        health.OnProbe(true, null);
        health.State.ShouldBe(InstanceState.Ready);
    }

    [Fact]
    public void OnProbe_SingleFailureBelowThreshold_KeepsTheInstanceReady()
    {
        var health = Ready();

        health.OnProbe(false, "timeout").ShouldBeFalse();

        health.State.ShouldBe(InstanceState.Ready);
    }

    private ProbeHealth Ready()
    {
        var health = new ProbeHealth(_options);
        for (var i = 0; i < _options.HealthyThreshold; i++) health.OnProbe(true, null);
        health.State.ShouldBe(InstanceState.Ready);
        return health;
    }
}
