namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>A clock the test moves by hand, for lease logic that must not sleep.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
