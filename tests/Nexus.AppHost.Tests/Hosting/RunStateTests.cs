using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Nexus.AppHost.Hosting;
using Nexus.AppHost.Tests.Infrastructure;

namespace Nexus.AppHost.Tests.Hosting;

/// <summary>What a run keeps in its state directory, and what it refuses before starting anything.</summary>
public sealed class RunStateTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "nexus-apphost-state-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public void Resolve_GeneratedParameters_KeepsPersistentOnesAcrossRunsAndRenewsTheOthers()
    {
        ParameterResource Persistent() => new("db-password", secret: true) { GenerateMinLength = 22 };
        ParameterResource PerRun() => new("token", secret: true) { GenerateMinLength = 32, Persist = false };
        var (first, firstToken) = (Persistent(), PerRun());
        var (second, secondToken) = (Persistent(), PerRun());

        ParameterStore.Resolve([first, firstToken], _state);
        ParameterStore.Resolve([second, secondToken], _state);

        first.Value!.Length.ShouldBe(22);
        second.Value.ShouldBe(first.Value);
        secondToken.Value!.Length.ShouldBe(32);
        secondToken.Value.ShouldNotBe(firstToken.Value);
    }

    [Fact]
    public void StopLeftovers_ProcessRecordedByAKilledRun_IsStopped()
    {
        Directory.CreateDirectory(_state);
        using var leftover = Process.Start(new ProcessStartInfo("sleep") { ArgumentList = { "300" } })!;
        new ProcessLedger(_state).Record(leftover.Id, "sleeper");

        var stopped = new ProcessLedger(_state).StopLeftovers();

        stopped.ShouldHaveSingleItem().ShouldContain("sleeper");
        leftover.WaitForExit(10_000).ShouldBeTrue();
    }

    [Fact]
    public async Task StartAsync_StablePortTaken_FailsNamingTheResourceAndTheOverride()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        var builder = TestModel.CreateBuilder();
        builder.AddExecutable("api", "sleep", Path.GetTempPath(), "300").WithHttpEndpoint(port: port);

        var error = await Should.ThrowAsync<ResourceStartException>(
            () => NexusTestingApp.StartAsync(builder.Build(), o => o.RandomPorts = false).WaitAsync(TimeSpan.FromSeconds(30)));

        error.Message.ShouldContain($"Port {port} for 'api' is in use");
        error.Message.ShouldContain("--port api=N");
    }

    public void Dispose()
    {
        if (Directory.Exists(_state)) Directory.Delete(_state, recursive: true);
    }
}
