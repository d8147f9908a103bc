using Nexus.AppHost.Hosting;
using Nexus.AppHost.Tests.Infrastructure;

namespace Nexus.AppHost.Tests.Hosting;

/// <summary>The runner against real child processes and a real HTTP health endpoint.</summary>
public sealed class RunnerTests
{
    [Fact]
    public async Task StartAsync_WaitForUnhealthyResource_StartsTheDependentOnlyOnceHealthy()
    {
        var builder = TestModel.CreateBuilder();
        var api = builder.AddExecutable("api", "sleep", Path.GetTempPath(), "300").WithHttpEndpoint().WithHttpHealthCheck();
        builder.AddExecutable("worker", "sleep", Path.GetTempPath(), "300").WaitFor(api);
        var app = builder.Build();

        // Ports are allocated before anything starts; the test serves the api's health endpoint on its port.
        var starting = NexusTestingApp.StartAsync(app);
        using var server = new HealthServer(api.Resource.Endpoints[0].AllocatedPort!.Value);
        await TestModel.WaitUntilAsync(() => server.Requests >= 3, "three health checks");
        app.Runner!.Get("worker").State.ShouldBe(ResourceState.Pending);
        app.Runner.Get("worker").ProcessId.ShouldBeNull();

        server.BecomeHealthy();
        await using var testing = await starting.WaitAsync(TimeSpan.FromSeconds(30));

        testing.GetState("api").ShouldBe(ResourceState.Healthy);
        testing.GetProcessId("worker").ShouldNotBeNull();
    }

    [Fact]
    public async Task StartAsync_DependencyNeverHealthy_TimesOutNamingTheResourceAndWhy()
    {
        var builder = TestModel.CreateBuilder(o => o.WaitTimeout = TimeSpan.FromSeconds(2));
        var api = builder.AddExecutable("api", "sleep", Path.GetTempPath(), "300").WithHttpEndpoint().WithHttpHealthCheck();
        builder.AddExecutable("worker", "sleep", Path.GetTempPath(), "300").WaitFor(api);

        var error = await Should.ThrowAsync<ResourceStartException>(
            () => NexusTestingApp.StartAsync(builder.Build(), o => o.WaitTimeout = TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(60)));

        error.Message.ShouldContain("'worker' waits for 'api'");
        error.Message.ShouldContain("did not become healthy within 2 s");
        error.Message.ShouldContain("Connection refused");
    }

    [Fact]
    public async Task Supervisor_ProcessExits_RestartsWithBackoffAndCountsRestarts()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddExecutable("blink", "sleep", Path.GetTempPath(), "0.2");

        await using var testing = await NexusTestingApp.StartAsync(builder.Build(), o => o.RestartDelay = TimeSpan.FromMilliseconds(100))
            .WaitAsync(TimeSpan.FromSeconds(30));

        await TestModel.WaitUntilAsync(() => testing.GetRestarts("blink") >= 3, "three restarts");
    }

    [Fact]
    public async Task Supervisor_ChildKilled_IsRestartedAndStoppedOnDispose()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddExecutable("sleeper", "sleep", Path.GetTempPath(), "300");
        int replacement;
        await using (var testing = await NexusTestingApp.StartAsync(builder.Build(), o => o.RestartDelay = TimeSpan.FromMilliseconds(100))
            .WaitAsync(TimeSpan.FromSeconds(30)))
        {
            var first = testing.GetProcessId("sleeper")!.Value;
            using (var process = System.Diagnostics.Process.GetProcessById(first)) process.Kill();

            await TestModel.WaitUntilAsync(() => testing.GetRestarts("sleeper") == 1 && testing.GetProcessId("sleeper") is { } p && p != first,
                "the killed process to be replaced");
            replacement = testing.GetProcessId("sleeper")!.Value;
            TestModel.IsAlive(replacement).ShouldBeTrue();
        }

        TestModel.IsAlive(replacement).ShouldBeFalse();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 30)]
    [InlineData(40, 30)]
    public void Backoff_NthRestart_DoublesUpToTheCap(int restart, int seconds)
    {
        ResourceSupervisor.Backoff(restart, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)).ShouldBe(TimeSpan.FromSeconds(seconds));
    }
}
