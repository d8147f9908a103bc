using Nexus.AppHost.Lifecycle;

namespace Nexus.AppHost.Tests.Lifecycle;

public sealed class RestartBackoffTests
{
    [Fact]
    public void Delay_SuccessiveAttempts_DoublesFromOneSecondUpToThirty() =>
        Enumerable.Range(1, 8).Select(a => RestartBackoff.Delay(a).TotalSeconds).ShouldBe([1, 2, 4, 8, 16, 30, 30, 30]);

    [Fact]
    public void NextAttempt_CrashSoonAfterTheLastStart_CountsOn() =>
        RestartBackoff.NextAttempt(3, TimeSpan.FromSeconds(5)).ShouldBe(4);

    [Fact]
    public void NextAttempt_CrashAfterAMinuteRunning_StartsOverAtOneSecond()
    {
        var attempt = RestartBackoff.NextAttempt(5, TimeSpan.FromMinutes(2));

        attempt.ShouldBe(1);
        RestartBackoff.Delay(attempt).ShouldBe(TimeSpan.FromSeconds(1));
    }
}
