using System.Net;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Forwarding;

/// <summary>SSE through the gateway: unbuffered, usage asked for and stripped, cut-off streams flagged.</summary>
public sealed class StreamingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static HttpRequestMessage StreamRequest(bool includeUsage = false) => new(HttpMethod.Post, "v1/chat/completions")
    {
        Content = JsonContent.Create(includeUsage
            ? new { model = "llama", stream = true, stream_options = new { include_usage = true }, messages = new[] { new { role = "user", content = "Hi" } } }
            : (object)new { model = "llama", stream = true, messages = new[] { new { role = "user", content = "Hi" } } }),
    };

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_UpstreamAskedAndUsageChunkStripped()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.SendAsync(StreamRequest());
        var body = await response.Content.ReadAsStringAsync();

        upstream.Bodies.Single()["stream_options"]!["include_usage"]!.GetValue<bool>().ShouldBeTrue();
        body.ShouldNotContain("\"usage\"");
        body.ShouldContain("Hello");
        body.TrimEnd().ShouldEndWith("data: [DONE]");
        response.Headers.GetValues("X-Accel-Buffering").Single().ShouldBe("no");
    }

    [Fact]
    public async Task Stream_ClientAskedForUsage_UsageChunkPassesThrough()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.SendAsync(StreamRequest(includeUsage: true));
        var body = await response.Content.ReadAsStringAsync();

        body.ShouldContain("\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":90,\"total_tokens\":100}");
    }

    [Fact]
    public async Task Stream_FirstChunk_ReachesClientWhileUpstreamIsStillGenerating()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.StreamGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.SendAsync(StreamRequest(), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync().WaitAsync(Wait);
        upstream.StreamGate.SetResult();
        var rest = await reader.ReadToEndAsync().WaitAsync(Wait);

        first.ShouldNotBeNull().ShouldContain("Hello");
        rest.ShouldContain("[DONE]");
    }

    [Fact]
    public async Task Stream_UpstreamCutOffMidAnswer_EndsWithSseErrorEvent()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Behavior = UpstreamBehavior.CutStream;
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.SendAsync(StreamRequest());
        var body = await response.Content.ReadAsStringAsync();

        body.ShouldContain("Hello");
        body.ShouldNotContain("[DONE]");
        body.TrimEnd().ShouldEndWith("\"code\":\"upstream_stream_cut\"}}");
        body.ShouldContain("event: error");
    }

    [Fact]
    public async Task Stream_ClientDisconnects_UpstreamCallIsCancelled()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.StreamGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync();
        var client = gateway.Client(key);

        var response = await client.SendAsync(StreamRequest(), HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync().WaitAsync(Wait)).ShouldNotBeNull();
        reader.Dispose();
        response.Dispose();
        client.Dispose();

        await upstream.StreamAborted.Task.WaitAsync(Wait);
    }

    private const string ServiceEvents = "event: sources\ndata: {\"n\":1}\n\nevent: done\ndata: {}\n\n";

    [Fact]
    public async Task Stream_ServiceEventsEndingWithoutDone_ReachTheClientAsSentWithNoErrorAdded()
    {
        // Only OpenAI's streams end with [DONE]: a service's own event stream that ends cleanly is complete.
        await using var upstream = await ScriptedUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(ServiceEvents);
        });
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Services:events:0:Url"] = upstream.BaseAddress.ToString() });
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/services/events/answer", new { question = "why" });
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        body.ShouldBe(ServiceEvents);
    }

    [Fact]
    public async Task Stream_ServiceEventsBrokenOff_EndWithSseErrorEvent()
    {
        await using var upstream = await ScriptedUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: sources\ndata: {\"n\":1}\n\n");
            await context.Response.Body.FlushAsync();
            // Give the event time to arrive: a reset makes the receiver drop data it has not read yet.
            await Task.Delay(TimeSpan.FromMilliseconds(500));
            context.Abort();
        });
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Routes:Services:events:0:Url"] = upstream.BaseAddress.ToString() });
        var (_, _, key) = await gateway.CreateKeyAsync();
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/services/events/answer", new { question = "why" });
        var body = await response.Content.ReadAsStringAsync();

        body.ShouldStartWith("event: sources");
        body.TrimEnd().ShouldEndWith("\"code\":\"upstream_stream_cut\"}}");
    }
}
