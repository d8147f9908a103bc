using System.Net.ServerSentEvents;
using System.Text.Json;
using Nexus.Contract;
using Nexus.Gateway.Registry.Api;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>The SSE watch stream, read over HTTP as the UI and other gateways read it.</summary>
public sealed class WatchTests
{
    [Fact]
    public async Task Watch_RegisterBecomeReadyDeregister_StreamsEventsInOrder()
    {
        await using var gateway = await RegistryGateway.StartAsync();
        await using var existing = await TestInstance.StartAsync();
        await using var instance = await TestInstance.StartAsync();
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new RegistrationClient(http);
        var first = await client.RegisterAsync(gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = existing.Url, Descriptor = await existing.DescriptorAsync() }, CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.GetAsync(new Uri(gateway.BaseAddress, "v1/registry/watch"), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = SseParser.Create(await response.Content.ReadAsStreamAsync(cancel.Token)).EnumerateAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);

        var initial = await NextAsync(events, e => true);
        initial.Type.ShouldBe("added");
        initial.View.InstanceId.ShouldBe(first.InstanceId);

        var second = await client.RegisterAsync(gateway.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = instance.Url, Descriptor = await instance.DescriptorAsync() }, CancellationToken.None);
        var added = await NextAsync(events, e => e.View.InstanceId == second.InstanceId);
        added.Type.ShouldBe("added");
        added.View.State.ShouldBe("registering");

        var ready = await NextAsync(events, e => e.View.InstanceId == second.InstanceId && e.View.State == "ready");
        ready.Type.ShouldBe("updated");

        await client.DeregisterAsync(gateway.BaseAddress, second, CancellationToken.None);
        var removed = await NextAsync(events, e => e.View.InstanceId == second.InstanceId && e.Type != "updated");
        removed.Type.ShouldBe("removed");
        removed.View.State.ShouldBe("gone");
        removed.View.StateReason.ShouldBe("deregistered");

        added.Revision.ShouldBeLessThan(ready.Revision);
        ready.Revision.ShouldBeLessThan(removed.Revision);
        await events.DisposeAsync();
    }

    private static async Task<(string Type, long Revision, InstanceView View)> NextAsync(IAsyncEnumerator<SseItem<string>> events, Func<(string Type, long Revision, InstanceView View), bool> wanted)
    {
        while (await events.MoveNextAsync())
        {
            var item = events.Current;
            var parsed = (item.EventType, long.Parse(item.EventId!, System.Globalization.CultureInfo.InvariantCulture), JsonSerializer.Deserialize<InstanceView>(item.Data, NexusJson.Options)!);
            if (wanted(parsed)) return parsed;
        }

        throw new InvalidOperationException("The watch stream ended.");
    }
}
