using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.ServiceDefaults.McpClients;

namespace Nexus.Gateway.Tests.Mcp;

/// <summary>The gateway's aggregate <c>/mcp</c> through the official C# MCP client, in front of real registered services.</summary>
public sealed class GatewayMcpTests
{
    [Fact]
    public async Task ListTools_RegisteredService_OneToolPerFunctionNamedServiceDotFunction()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var tools = await client.ListToolsAsync();

        // The form upload is left out, as on the service's own /mcp.
        tools.Select(t => t.Name).Order(StringComparer.Ordinal).ShouldBe(["tools.count", "tools.fail", "tools.get-item", "tools.repeat"]);
        var repeat = tools.Single(t => t.Name == "tools.repeat").ProtocolTool;
        var function = await McpTestHosts.FunctionAsync(service, "repeat");
        repeat.Title.ShouldBe("Repeats text.");
        JsonNode.DeepEquals(JsonNode.Parse(repeat.InputSchema.GetRawText()), function["inputSchema"]).ShouldBeTrue();
        JsonNode.DeepEquals(JsonNode.Parse(repeat.OutputSchema!.Value.GetRawText()), function["outputSchema"]).ShouldBeTrue();
        repeat.Annotations!.ReadOnlyHint.ShouldBe(true);
        repeat.Annotations.IdempotentHint.ShouldBe(true);
        tools.Single(t => t.Name == "tools.get-item").ProtocolTool.Annotations!.ReadOnlyHint.ShouldBe(true);
    }

    [Fact]
    public async Task ListTools_KeyScopedToOneService_ListsOnlyThatServicesTools()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var tools = await McpTestHosts.StartToolsServiceAsync(gateway, "tools");
        await using var other = await McpTestHosts.StartToolsServiceAsync(gateway, "other");
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        await McpTestHosts.WaitUntilReadyAsync(gateway, "other");
        var (_, _, all) = await gateway.CreateKeyAsync(tenantName: "all");
        var (_, _, scoped) = await gateway.CreateKeyAsync(keyPolicy: new { scopes = new[] { "services:other" } }, tenantName: "scoped");

        await using var allClient = await McpTestHosts.ConnectAsync(gateway, all);
        await using var scopedClient = await McpTestHosts.ConnectAsync(gateway, scoped);

        (await allClient.ListToolsAsync()).Select(t => t.Name).Count(n => n.StartsWith("tools.", StringComparison.Ordinal)).ShouldBe(4);
        (await allClient.ListToolsAsync()).Count.ShouldBe(8);
        (await scopedClient.ListToolsAsync()).Select(t => t.Name).ShouldAllBe(n => n.StartsWith("other.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListTools_LongList_ComesInPagesWithNextCursor()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Mcp:PageSize"] = "2" });
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var first = await client.ListToolsAsync(new ListToolsRequestParams());
        var second = await client.ListToolsAsync(new ListToolsRequestParams { Cursor = first.NextCursor });

        first.Tools.Select(t => t.Name).ShouldBe(["tools.count", "tools.fail"]);
        first.NextCursor.ShouldNotBeNull();
        second.Tools.Select(t => t.Name).ShouldBe(["tools.get-item", "tools.repeat"]);
        second.NextCursor.ShouldBeNull();
        (await client.ListToolsAsync()).Count.ShouldBe(4); // the client follows the cursors itself
    }

    [Fact]
    public async Task CallTool_JsonFunction_StructuredContentTextAndAnAuditRecordForTheTool()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (tenantId, keyId, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var result = await client.CallToolAsync("tools.repeat", new Dictionary<string, object?> { ["text"] = "ab", ["times"] = 3 });

        result.IsError.ShouldNotBe(true);
        result.StructuredContent!.Value.GetProperty("text").GetString().ShouldBe("ababab");
        result.StructuredContent.Value.GetProperty("length").GetInt32().ShouldBe(6);
        JsonNode.Parse(result.Content.OfType<TextContentBlock>().Single().Text)!["text"]!.GetValue<string>().ShouldBe("ababab");
        var record = (await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 1)).Single()!;
        record["endpoint"]!.GetValue<string>().ShouldBe("mcp");
        record["model"]!.GetValue<string>().ShouldBe("tools.repeat");
        record["keyId"]!.GetValue<string>().ShouldBe(keyId);
        record["status"]!.GetValue<int>().ShouldBe(200);
        record["instance"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task CallTool_StreamedFunction_ReportsProgressWhileItStreamsThenResultsInTheWholeStream()
    {
        var progress = new CollectedProgress();
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        // The function holds the rest of its stream until the client has heard of the first event.
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway, afterFirstEvent: () => progress.First);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var result = await client.CallToolAsync("tools.count", new Dictionary<string, object?> { ["text"] = "tick", ["times"] = 3 }, progress);

        result.IsError.ShouldNotBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldBe("data: tick 1\n\ndata: tick 2\n\ndata: tick 3\n\ndata: [DONE]\n\n");
        var first = await progress.First;
        first.Message.ShouldBe("data: tick 1");
        first.Progress.ShouldBe(Encoding.UTF8.GetByteCount("data: tick 1\n\n"));
    }

    [Fact]
    public async Task CallTool_RouteParameter_GoesIntoThePathThroughTheGateway()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var result = await client.CallToolAsync("tools.get-item", new Dictionary<string, object?> { ["id"] = "a b?c#d" });

        result.IsError.ShouldNotBe(true);
        result.StructuredContent!.Value.GetProperty("text").GetString().ShouldBe("a b?c#d");
    }

    [Fact]
    public async Task CallTool_FailingFunction_IsAToolErrorWithTheServicesMessage()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var result = await client.CallToolAsync("tools.fail", new Dictionary<string, object?> { ["text"] = "this" });

        result.IsError.ShouldBe(true);
        var text = result.Content.OfType<TextContentBlock>().Single().Text;
        text.ShouldContain("422");
        text.ShouldContain("Cannot take 'this'.");
    }

    [Fact]
    public async Task CallTool_InvalidArgument_IsAToolErrorNamingTheFieldAndNothingIsForwarded()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (tenantId, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var wrongType = await client.CallToolAsync("tools.repeat", new Dictionary<string, object?> { ["text"] = "ab", ["times"] = "three" });
        var missing = await client.CallToolAsync("tools.repeat", new Dictionary<string, object?> { ["times"] = 2 });

        wrongType.IsError.ShouldBe(true);
        wrongType.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("$.times");
        missing.IsError.ShouldBe(true);
        missing.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("text");
        var audit = await gateway.Admin.GetFromJsonAsync<JsonObject>($"admin/audit?tenantId={tenantId}");
        audit!["data"]!.AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task CallTool_KeyWithoutTheServicesScope_IsRefusedAsTheHttpCallWouldBe()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (tenantId, _, key) = await gateway.CreateKeyAsync(keyPolicy: new { scopes = new[] { "chat" } });
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        (await client.ListToolsAsync()).ShouldBeEmpty();
        var result = await client.CallToolAsync("tools.repeat", new Dictionary<string, object?> { ["text"] = "ab" });

        result.IsError.ShouldBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("may not call 'services:tools'");
        var record = (await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 1)).Single()!;
        record["endpoint"]!.GetValue<string>().ShouldBe("mcp");
        record["status"]!.GetValue<int>().ShouldBe(403);
    }

    [Fact]
    public async Task McpToolSet_OnTheGatewayWithAKey_GivesTheServicesToolsAsAIFunctions()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var service = await McpTestHosts.StartToolsServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "tools");
        var (_, _, key) = await gateway.CreateKeyAsync();

        await using var tools = await McpToolSet.ConnectAsync(new McpServerConnection { Name = "nexus", Url = new Uri(gateway.BaseAddress, "mcp"), BearerToken = key });
        var repeat = tools.Tools.Single(t => t.Name == "tools.repeat");
        var result = await repeat.InvokeAsync(new Microsoft.Extensions.AI.AIFunctionArguments(new Dictionary<string, object?> { ["text"] = "xy", ["times"] = 2 }));

        result!.ToString()!.ShouldContain("xyxy");
    }

    [Fact]
    public async Task CallTool_UnknownTool_IsAnMcpErrorNotACrash()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        await Should.ThrowAsync<McpException>(() => client.CallToolAsync("nothing.here").AsTask());
        (await client.ListToolsAsync()).ShouldBeEmpty();
    }

    [SkippableFact]
    public async Task CallTool_Speech_ReturnsAudioContentWithItsMimeType()
    {
        TestPrograms.Require("espeak-ng");
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        await using var speech = await McpTestHosts.StartSpeechServiceAsync(gateway);
        await McpTestHosts.WaitUntilReadyAsync(gateway, "speech");
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var result = await client.CallToolAsync("speech.speak", new Dictionary<string, object?>
        {
            ["model"] = "tts-1",
            ["input"] = "Hello from the gateway's MCP endpoint.",
            ["voice"] = "alloy",
            ["response_format"] = "wav",
        });

        result.IsError.ShouldNotBe(true, string.Join(" ", result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        var audio = result.Content.OfType<AudioContentBlock>().Single();
        audio.MimeType.ShouldBe("audio/wav");
        var bytes = audio.DecodedData.ToArray();
        bytes[..4].ShouldBe("RIFF"u8.ToArray());
        bytes.Length.ShouldBeGreaterThan(10_000);
    }

    [Fact]
    public async Task Mcp_WithoutAKey_Is401WithABearerChallenge()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();

        var missing = await gateway.Http.SendAsync(Initialize(key: null));
        var wrong = await gateway.Http.SendAsync(Initialize(key: "nx-not-a-key"));

        missing.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        missing.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Mcp_ForeignOrigin_IsRefusedAndTheGatewaysOwnAndAllowedOnesPass()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Mcp:AllowedOrigins:0"] = "https://ide.example" });
        var (_, _, key) = await gateway.CreateKeyAsync();

        var foreign = await gateway.Http.SendAsync(Initialize(key, origin: "https://evil.example"));
        var opaque = await gateway.Http.SendAsync(Initialize(key, origin: "null"));
        var own = await gateway.Http.SendAsync(Initialize(key, origin: gateway.BaseAddress.GetLeftPart(UriPartial.Authority)));
        var allowed = await gateway.Http.SendAsync(Initialize(key, origin: "https://ide.example"));

        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        opaque.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        own.StatusCode.ShouldBe(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Session_Delete_EndsIt()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        var opened = await gateway.Http.SendAsync(Initialize(key));
        var session = opened.Headers.GetValues("Mcp-Session-Id").Single();

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "mcp");
        delete.Headers.Authorization = new("Bearer", key);
        delete.Headers.Add("Mcp-Session-Id", session);
        (await gateway.Http.SendAsync(delete)).IsSuccessStatusCode.ShouldBeTrue();

        var after = Request(key, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        after.Headers.Add("Mcp-Session-Id", session);
        after.Headers.Add("MCP-Protocol-Version", "2025-11-25");
        (await gateway.Http.SendAsync(after)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Session_OfAnotherKey_CannotBeUsed()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync();
        var (_, _, owner) = await gateway.CreateKeyAsync(tenantName: "owner");
        var (_, _, other) = await gateway.CreateKeyAsync(tenantName: "other");
        var opened = await gateway.Http.SendAsync(Initialize(owner));
        var session = opened.Headers.GetValues("Mcp-Session-Id").Single();

        var stolen = Request(other, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
        stolen.Headers.Add("Mcp-Session-Id", session);
        stolen.Headers.Add("MCP-Protocol-Version", "2025-11-25");

        ((int)(await gateway.Http.SendAsync(stolen)).StatusCode).ShouldBeInRange(400, 499);
    }

    [Fact]
    public async Task Session_KeyAtItsSessionLimit_CannotOpenAnother()
    {
        await using var gateway = await McpTestHosts.StartGatewayAsync(new Dictionary<string, string?> { ["Nexus:Gateway:Mcp:MaxSessionsPerKey"] = "1" });
        var (_, _, key) = await gateway.CreateKeyAsync(tenantName: "greedy");
        var (_, _, neighbour) = await gateway.CreateKeyAsync(tenantName: "neighbour");

        (await gateway.Http.SendAsync(Initialize(key))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var second = await gateway.Http.SendAsync(Initialize(key));
        var others = await gateway.Http.SendAsync(Initialize(neighbour));

        second.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        others.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private sealed class CollectedProgress : IProgress<ProgressNotificationValue>
    {
        private readonly TaskCompletionSource<ProgressNotificationValue> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ProgressNotificationValue> First => _first.Task;

        public void Report(ProgressNotificationValue value) => _first.TrySetResult(value);
    }

    private static HttpRequestMessage Initialize(string? key, string? origin = null)
    {
        var request = Request(key, """
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}
            """);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return request;
    }

    private static HttpRequestMessage Request(string? key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "mcp") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");
        if (key is not null) request.Headers.Authorization = new("Bearer", key);
        return request;
    }
}
