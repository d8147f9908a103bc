using System.ComponentModel;
using ModelContextProtocol.Client;
using Nexus.Contract;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Mcp;

/// <summary>The text to repeat.</summary>
public sealed record RepeatRequest
{
    /// <summary>The text to repeat.</summary>
    public required string Text { get; init; }

    [Description("How many times.")]
    public int Times { get; init; } = 1;
}

/// <summary>The repeated text and its length.</summary>
public sealed record RepeatResponse(string Text, int Length);

/// <summary>The real gateway with its registry, and real Nexus services that register with it, for the MCP tests.</summary>
internal static class McpTestHosts
{
    public const string RegistrationToken = "mcp-test-registration-token-0123";

    public static Task<GatewayHost> StartGatewayAsync(IDictionary<string, string?>? settings = null)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Nexus:Registry:Token"] = RegistrationToken,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Registry:Health:ProbeTimeout"] = "00:00:02",
            ["Nexus:Registry:Health:HealthyThreshold"] = "1",
            ["Nexus:Registry:Health:UnhealthyThreshold"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        return GatewayHost.StartAsync(configuration);
    }

    /// <summary>
    /// A service named <paramref name="name"/> with a JSON function, a streamed one, a failing one, a GET one and a form upload, healthy
    /// while <paramref name="healthy"/> says so; the streamed one waits for <paramref name="afterFirstEvent"/> after its first event.
    /// </summary>
    public static Task<TestService> StartToolsServiceAsync(GatewayHost gateway, string name = "tools", Func<bool>? healthy = null, Func<Task>? afterFirstEvent = null) =>
        TestService.StartAsync("Nexus.Gateway.Tests", name, Registering(gateway), builder =>
        {
            builder.AddServiceDefaults();
            builder.Services.AddHealthChecks().AddCheck("switch", () => healthy?.Invoke() != false
                ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
                : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("switched off by the test"));
        }, app =>
        {
            app.MapDefaultEndpoints();
            app.MapPost("/v1/repeat", (RepeatRequest request) =>
                {
                    var text = string.Concat(Enumerable.Repeat(request.Text, request.Times));
                    return TypedResults.Ok(new RepeatResponse(text, text.Length));
                })
                .WithSummary("Repeats text.")
                .AsNexusFunction("repeat", f => f.Annotate(readOnly: true, idempotent: true));
            app.MapPost("/v1/count", async (RepeatRequest request, HttpContext http) =>
                {
                    http.Response.ContentType = "text/event-stream";
                    for (var i = 1; i <= request.Times; i++)
                    {
                        await http.Response.WriteAsync($"data: {request.Text} {i}\n\n");
                        await http.Response.Body.FlushAsync();
                        if (i == 1 && afterFirstEvent is not null) await afterFirstEvent().WaitAsync(TimeSpan.FromSeconds(20));
                    }

                    // The end mark of OpenAI's streams, which the gateway takes as the sign of a complete answer.
                    await http.Response.WriteAsync("data: [DONE]\n\n");
                })
                .AsNexusFunction("count", f => f.Input<RepeatRequest>().Produces("text/event-stream").Streaming(StreamingModes.Sse));
            app.MapPost("/v1/fail", (RepeatRequest request) => Results.Problem(detail: $"Cannot take '{request.Text}'.", statusCode: StatusCodes.Status422UnprocessableEntity))
                .AsNexusFunction("fail");
            app.MapGet("/v1/items/{id}", (string id) => TypedResults.Ok(new RepeatResponse(id, id.Length)))
                .AsNexusFunction("get-item");
            app.MapPost("/v1/upload", () => Results.Ok())
                .AsNexusFunction("upload", f => f.Input<RepeatRequest>().Accepts("multipart/form-data"));
        });

    public static Task<TestService> StartSpeechServiceAsync(GatewayHost gateway) =>
        TestService.StartAsync("Nexus.Services.Speech", "speech", new Dictionary<string, string?>(Registering(gateway)) { ["Nexus:Kind"] = "speech" }, builder =>
        {
            builder.AddServiceDefaults();
            builder.AddSpeechService();
        }, app =>
        {
            app.MapDefaultEndpoints();
            app.MapSpeechApi();
        });

    /// <summary>Waits until the service is ready in the gateway's registry (and so its tools are listed).</summary>
    public static Task WaitUntilReadyAsync(GatewayHost gateway, string service) =>
        Eventually.WaitAsync(
            () => Task.FromResult(gateway.App.Services.GetRequiredService<IServiceRegistry>().ReadyForService(service).Count),
            count => count > 0,
            $"the {service} service to be ready in the registry",
            TimeSpan.FromSeconds(30));

    /// <summary>
    /// The official C# MCP client on the gateway's <c>/mcp</c> with the key as its bearer token. A protocol revision
    /// before 2026-07-28 makes a session (which list_changed needs); null lets the client choose.
    /// </summary>
    public static async Task<McpClient> ConnectAsync(GatewayHost gateway, string key, string? protocolVersion = null)
    {
        var options = new McpClientOptions { ProtocolVersion = protocolVersion };
        return await McpClient.CreateAsync(
            new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(gateway.BaseAddress, "mcp"),
                TransportMode = HttpTransportMode.StreamableHttp,
                AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
            }),
            options);
    }

    private static Dictionary<string, string?> Registering(GatewayHost gateway) => new()
    {
        ["Nexus:Kind"] = "custom",
        ["Nexus:Registry:Enabled"] = "true",
        ["Nexus:Registry:Url"] = gateway.BaseAddress.ToString().TrimEnd('/'),
        ["Nexus:Registry:Token"] = RegistrationToken,
    };

    /// <summary>The function's JSON Schema as the descriptor serves it.</summary>
    public static async Task<System.Text.Json.Nodes.JsonNode> FunctionAsync(TestService service, string function)
    {
        var descriptor = System.Text.Json.Nodes.JsonNode.Parse(await service.Http.GetStringAsync(ContractPaths.Metadata))!;
        return descriptor["functions"]!.AsArray().Single(f => f!["name"]!.GetValue<string>() == function)!;
    }
}
