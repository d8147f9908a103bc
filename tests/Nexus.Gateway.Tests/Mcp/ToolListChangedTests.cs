using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Tests.Mcp;

/// <summary>
/// <c>notifications/tools/list_changed</c> from the gateway's <c>/mcp</c>, driven by the registry: on a session (clients
/// of the initialize handshake) and on a <c>subscriptions/listen</c> stream (clients of the 2026-07-28 revision).
/// </summary>
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

    [Fact]
    public async Task Listen_ClientWithoutASession_IsAcknowledgedThenToldOnItsStreamWhenAServiceRegisters()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);
        client.NegotiatedProtocolVersion.ShouldBe("2026-07-28");
        var acknowledged = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var changes = Channel.CreateUnbounded<JsonNode?>();
        await using var onAck = client.RegisterNotificationHandler(NotificationMethods.SubscriptionsAcknowledgedNotification, (notification, _) =>
        {
            acknowledged.TrySetResult(notification.Params);
            return ValueTask.CompletedTask;
        });
        await using var onChange = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (notification, _) =>
        {
            changes.Writer.TryWrite(notification.Params);
            return ValueTask.CompletedTask;
        });
        using var listening = new CancellationTokenSource();
        // The SDK's client has no typed call for subscriptions/listen yet: the request as the protocol defines it.
        var listen = client.SendRequestAsync(new JsonRpcRequest
        {
            Method = RequestMethods.SubscriptionsListen,
            Params = JsonSerializer.SerializeToNode(new SubscriptionsListenRequestParams { Notifications = new() { ToolsListChanged = true, PromptsListChanged = true } }, McpJsonUtilities.DefaultOptions),
        }, listening.Token);

        var ack = await acknowledged.Task.WaitAsync(Wait);
        ack!["notifications"]!["toolsListChanged"]!.GetValue<bool>().ShouldBeTrue();
        ack["notifications"]!["promptsListChanged"].ShouldBeNull(); // the gateway has no prompts: not granted
        (await client.ListToolsAsync()).ShouldBeEmpty();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);

        using var timeout = new CancellationTokenSource(Wait);
        var change = await changes.Reader.ReadAsync(timeout.Token);
        change!["_meta"]![MetaKeys.SubscriptionId].ShouldNotBeNull();
        (await client.ListToolsAsync()).Count.ShouldBe(4);
        await listening.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => listen);
    }

    private static async Task ReadUntilAsync(Channel<int> changes, Func<int, bool> condition)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!condition(await changes.Reader.ReadAsync(timeout.Token)))
        {
        }
    }
}
