using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Nexus.Contract;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

/// <summary>The service's own <c>/mcp</c>, through the official C# MCP client over Streamable HTTP.</summary>
public sealed class McpEndpointTests
{
    // A PNG's signature and nothing else: the bytes only need to arrive unchanged.
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task ListTools_ToolsMatchTheDescriptorsFunctions()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var tools = await client.ListToolsAsync();

        var descriptor = JsonNode.Parse(await service.Client.GetStringAsync(ContractPaths.Metadata))!;
        var functions = descriptor["functions"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).Order().ToList();
        tools.Select(t => t.Name).Order().ShouldBe(functions.Where(f => f != "upload"));
        var echo = tools.Single(t => t.Name == "echo").ProtocolTool;
        echo.Title.ShouldBe("Repeats text.");
        echo.Description.ShouldBe("Repeats the given text a number of times.");
        var function = descriptor["functions"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == "echo")!;
        JsonNode.DeepEquals(JsonNode.Parse(echo.InputSchema.GetRawText()), function["inputSchema"]).ShouldBeTrue();
        JsonNode.DeepEquals(JsonNode.Parse(echo.OutputSchema!.Value.GetRawText()), function["outputSchema"]).ShouldBeTrue();
        client.ServerInfo!.Name.ShouldBe(descriptor["name"]!.GetValue<string>());
        client.ServerInfo.Version.ShouldBe(descriptor["version"]!.GetValue<string>());
        echo.Annotations!.ReadOnlyHint.ShouldBe(true);
        echo.Annotations.IdempotentHint.ShouldBe(true);
    }

    [Fact]
    public async Task CallTool_JsonFunction_ReturnsStructuredContentAndText()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "ab", ["repeat"] = 3 });

        result.IsError.ShouldNotBe(true);
        result.StructuredContent!.Value.GetProperty("text").GetString().ShouldBe("ababab");
        result.StructuredContent!.Value.GetProperty("length").GetInt32().ShouldBe(6);
        JsonNode.Parse(result.Content.OfType<TextContentBlock>().Single().Text)!["text"]!.GetValue<string>().ShouldBe("ababab");
    }

    [Fact]
    public async Task CallTool_RouteParameter_GoesIntoThePath()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("get-item", new Dictionary<string, object?> { ["id"] = "a b?c#d" });

        result.IsError.ShouldNotBe(true);
        result.StructuredContent!.Value.GetProperty("text").GetString().ShouldBe("a b?c#d");
    }

    [Fact]
    public async Task CallTool_InvalidArgument_IsAToolErrorNamingTheField()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["text"] = "ab", ["repeat"] = "three" });

        result.IsError.ShouldBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("$.repeat");
    }

    [Fact]
    public async Task CallTool_MissingRequiredArgument_IsAToolErrorNamingTheField()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["repeat"] = 2 });

        result.IsError.ShouldBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("text");
    }

    [Fact]
    public async Task CallTool_FunctionAnswers4xx_IsAToolErrorWithTheServicesMessage()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("find-item", new Dictionary<string, object?> { ["id"] = "missing" });

        result.IsError.ShouldBe(true);
        var text = result.Content.OfType<TextContentBlock>().Single().Text;
        text.ShouldContain("404");
        text.ShouldContain("No item 'missing' here.");
    }

    [Fact]
    public async Task CallTool_AudioFunction_ReturnsAudioContentWithItsMimeType()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("speak", new Dictionary<string, object?> { ["text"] = "hi" });

        result.IsError.ShouldNotBe(true);
        var audio = result.Content.OfType<AudioContentBlock>().Single();
        audio.MimeType.ShouldBe("audio/wav");
        audio.DecodedData.ToArray().ShouldBe(new byte[] { 1, 2, 3 });
    }

    [Fact]
    public async Task CallTool_StreamedFunctionWithAProgressToken_ReportsProgressWhileItStreamsAndReturnsTheWholeBody()
    {
        var progress = new CollectedProgress();
        // The function holds the rest of its stream until the client has heard of the first piece.
        await using var service = await EchoService.StartAsync(map: app => app.MapPost("/v1/ticks", async (EchoRequest request, HttpContext http) =>
            {
                http.Response.ContentType = "text/event-stream";
                await http.Response.WriteAsync($"data: {request.Text} 1\n\n");
                await http.Response.Body.FlushAsync();
                await progress.First.WaitAsync(TimeSpan.FromSeconds(20));
                await http.Response.WriteAsync($"data: {request.Text} 2\n\n");
            })
            .AsNexusFunction("ticks", f => f.Input<EchoRequest>().Produces("text/event-stream").Streaming(StreamingModes.Sse)));
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("ticks", new Dictionary<string, object?> { ["text"] = "tick" }, progress);

        result.Content.OfType<TextContentBlock>().Single().Text.ShouldBe("data: tick 1\n\ndata: tick 2\n\n");
        var first = await progress.First;
        first.Message.ShouldBe("data: tick 1");
        first.Progress.ShouldBe(14);
    }

    [Fact]
    public async Task CallTool_ImageFunction_ReturnsImageContentWithItsMimeType()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        var result = await client.CallToolAsync("draw", new Dictionary<string, object?> { ["text"] = "a cat" });

        result.IsError.ShouldNotBe(true);
        var image = result.Content.OfType<ImageContentBlock>().Single();
        image.MimeType.ShouldBe("image/png");
        image.DecodedData.ToArray().ShouldBe(Png);
    }

    [Fact]
    public async Task CallTool_UnknownTool_IsAnErrorNotACrash()
    {
        await using var service = await StartAsync();
        await using var client = await ConnectAsync(service);

        await Should.ThrowAsync<ModelContextProtocol.McpException>(() => client.CallToolAsync("nope").AsTask());

        (await client.ListToolsAsync()).ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":[1]}}")]
    public async Task Mcp_MalformedRequest_IsNeverA5xx(string body)
    {
        await using var service = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "mcp") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json, text/event-stream");

        var response = await service.Client.SendAsync(request);

        ((int)response.StatusCode).ShouldBeLessThan(500, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Mcp_Disabled_IsNotServed()
    {
        await using var service = await EchoService.StartAsync(new Dictionary<string, string?> { ["Nexus:Mcp:Enabled"] = "false" });

        var response = await service.Client.PostAsync("mcp", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }

    private sealed class CollectedProgress : IProgress<ModelContextProtocol.ProgressNotificationValue>
    {
        private readonly TaskCompletionSource<ModelContextProtocol.ProgressNotificationValue> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ModelContextProtocol.ProgressNotificationValue> First => _first.Task;

        public void Report(ModelContextProtocol.ProgressNotificationValue value) => _first.TrySetResult(value);
    }

    private static Task<EchoService> StartAsync() => EchoService.StartAsync(map: app =>
    {
        app.MapGet("/v1/found/{id}", (string id) => Results.Problem(detail: $"No item '{id}' here.", statusCode: StatusCodes.Status404NotFound))
            .AsNexusFunction("find-item");
        app.MapPost("/v1/draw", () => Results.Bytes(Png, "image/png"))
            .AsNexusFunction("draw", f => f.Input<EchoRequest>().Produces("image/png").Result(UiWidgets.Image));
        app.MapPost("/v1/upload", () => Results.Ok())
            .AsNexusFunction("upload", f => f.Input<EchoRequest>().Accepts("multipart/form-data"));
    });

    private static async Task<McpClient> ConnectAsync(EchoService service) =>
        await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(service.BaseAddress, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }));
}
