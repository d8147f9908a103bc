using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Routing.Health;
using Yarp.ReverseProxy.Forwarder;

namespace Nexus.Gateway.Tests.Routing;

public sealed class PassiveHealthTests
{
    private static readonly Upstream Instance = new("i-1", new Uri("http://127.0.0.1:1/"), new Dictionary<string, string>(), null, FromRegistry: true);

    [Theory]
    [InlineData(ForwarderError.None, 200, false, "Success")]
    [InlineData(ForwarderError.None, 400, false, "Neutral")]
    [InlineData(ForwarderError.None, 404, false, "Neutral")]
    [InlineData(ForwarderError.None, 415, false, "Neutral")]
    [InlineData(ForwarderError.None, 500, false, "Neutral")]
    [InlineData(ForwarderError.None, 502, false, "Failure")]
    [InlineData(ForwarderError.None, 503, false, "Failure")]
    [InlineData(ForwarderError.None, 504, false, "Failure")]
    [InlineData(ForwarderError.None, 200, true, "Failure")]
    [InlineData(ForwarderError.Request, 0, false, "Failure")]
    [InlineData(ForwarderError.RequestTimedOut, 0, false, "Failure")]
    [InlineData(ForwarderError.ResponseBodyDestination, 200, false, "Failure")]
    [InlineData(ForwarderError.ResponseBodyClient, 200, false, "Neutral")]
    [InlineData(ForwarderError.RequestCanceled, 0, false, "Neutral")]
    public void Classify_CountsOnlyWhatSaysSomethingAboutTheInstance(ForwarderError error, int status, bool cutOff, string expected) =>
        PassiveHealth.Classify(error, status, cutOff).ToString().ShouldBe(expected);

    [Fact]
    public void Report_FailuresAtTheThreshold_OpenTheCircuitUntilTheBreakEnds()
    {
        var time = new FakeTimeProvider();
        var health = Health(time);

        health.Report(Instance, AttemptOutcome.Failure);
        health.Report(Instance, AttemptOutcome.Failure);
        health.IsOpen(Instance, time.GetUtcNow()).ShouldBeFalse();
        health.Report(Instance, AttemptOutcome.Failure);
        health.IsOpen(Instance, time.GetUtcNow()).ShouldBeTrue();

        time.Advance(TimeSpan.FromSeconds(31));
        health.IsOpen(Instance, time.GetUtcNow()).ShouldBeFalse();
    }

    [Fact]
    public void Report_NeutralOutcomesInAnyNumber_NeitherOpenNorResetTheCircuit()
    {
        var time = new FakeTimeProvider();
        var health = Health(time);

        health.Report(Instance, AttemptOutcome.Failure);
        health.Report(Instance, AttemptOutcome.Failure);
        for (var i = 0; i < 1000; i++) health.Report(Instance, AttemptOutcome.Neutral);
        health.IsOpen(Instance, time.GetUtcNow()).ShouldBeFalse();
        health.Report(Instance, AttemptOutcome.Failure);

        health.IsOpen(Instance, time.GetUtcNow()).ShouldBeTrue();
    }

    [Fact]
    public void Report_SuccessBetweenFailures_ResetsTheCount()
    {
        var time = new FakeTimeProvider();
        var health = Health(time);

        health.Report(Instance, AttemptOutcome.Failure);
        health.Report(Instance, AttemptOutcome.Failure);
        health.Report(Instance, AttemptOutcome.Success);
        health.Report(Instance, AttemptOutcome.Failure);
        health.Report(Instance, AttemptOutcome.Failure);

        health.IsOpen(Instance, time.GetUtcNow()).ShouldBeFalse();
    }

    private static PassiveHealth Health(TimeProvider time)
    {
        var options = new GatewayOptions { CircuitFailureThreshold = 3, CircuitBreakDuration = TimeSpan.FromSeconds(30) };
        return new PassiveHealth(new StaticOptionsMonitor(options), time, NullLogger<PassiveHealth>.Instance);
    }

    private sealed class StaticOptionsMonitor(GatewayOptions value) : IOptionsMonitor<GatewayOptions>
    {
        public GatewayOptions CurrentValue => value;

        public GatewayOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<GatewayOptions, string?> listener) => null;
    }
}
