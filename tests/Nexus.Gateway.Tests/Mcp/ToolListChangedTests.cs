using System.Threading.Channels;
using ModelContextProtocol.Protocol;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Tests.Mcp;

/// <summary><c>notifications/tools/list_changed</c> on a session of the gateway's <c>/mcp</c>, driven by the registry.</summary>
public sealed class ToolListChangedTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Session_ServiceRegistersThenStops_IsToldEachTimeAndListsTheChange()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        var registry = gateway.App.Services.GetRequiredService<IServiceRegistry>();
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key, protocolVersion: "2025-11-25");
        // Each notification with how many instances of the service were ready when it arrived.
        var changes = Channel.CreateUnbounded<int>();
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            changes.Writer.TryWrite(registry.ReadyForService("tools").Count);
            return ValueTask.CompletedTask;
        });
        (await client.ListToolsAsync()).ShouldBeEmpty();

        var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        try
        {
            await ReadUntilAsync(changes, ready => ready == 1);
            (await client.ListToolsAsync()).Count.ShouldBe(4);
        }
        finally
        {
            await service.DisposeAsync();
        }

        // Stopped, the service leaves the registry: the session hears of it, and its tools are gone.
        await ReadUntilAsync(changes, ready => ready == 0);
        (await client.ListToolsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Session_ServiceFailsItsHealthChecks_IsToldAndItsToolsGo()
    {
        var healthy = true;
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        var registry = gateway.App.Services.GetRequiredService<IServiceRegistry>();
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway, healthy: () => Volatile.Read(ref healthy));
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        await using var client = await McpTestHosts.ConnectAsync(gateway, key, protocolVersion: "2025-11-25");
        var changes = Channel.CreateUnbounded<int>();
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            changes.Writer.TryWrite(registry.ReadyForService("tools").Count);
            return ValueTask.CompletedTask;
        });
        (await client.ListToolsAsync()).Count.ShouldBe(4);

        // What the gateway sees of a process that hangs or dies without deregistering: its health probes fail.
        Volatile.Write(ref healthy, false);

        await ReadUntilAsync(changes, ready => ready == 0);
        (await client.ListToolsAsync()).ShouldBeEmpty();
    }

    private static async Task ReadUntilAsync(Channel<int> changes, Func<int, bool> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition(await changes.Reader.ReadAsync(timeout.Token)))
        {
        }
    }
}
