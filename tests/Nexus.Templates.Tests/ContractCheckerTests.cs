using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Nexus.ContractChecker;

namespace Nexus.Templates.Tests;

public sealed class ContractCheckerTests
{
    [Fact]
    public async Task Checker_ServiceBuiltOnServiceDefaults_Passes()
    {
        await using var service = await StartAsync(conforming: true);
        var output = new StringWriter();

        var exitCode = await CheckerCommand.RunAsync([service.Url], output, CancellationToken.None);

        exitCode.ShouldBe(0, output.ToString());
        output.ToString().ShouldContain("PASS  descriptor");
        output.ToString().ShouldContain("PASS  function shout");
        output.ToString().ShouldContain("PASS  bad input");
        output.ToString().ShouldContain("PASS  mcp: /mcp lists 1 tool(s)");
        output.ToString().ShouldNotContain("FAIL");
    }

    [Fact]
    public async Task Checker_ServiceWithoutMcp_WarnsOnly()
    {
        await using var service = await StartAsync(conforming: true, settings: new() { ["Nexus:Mcp:Enabled"] = "false" });
        var output = new StringWriter();

        var exitCode = await CheckerCommand.RunAsync([service.Url], output, CancellationToken.None);

        exitCode.ShouldBe(0, output.ToString());
        output.ToString().ShouldContain("WARN  mcp: /mcp is not served");
    }

    [Fact]
    public async Task Checker_McpToolsThatAreNotTheDescriptorsFunctions_FailsNamingThem()
    {
        // MCP served by hand, listing a tool the descriptor does not have and not its one function.
        await using var service = await StartAsync(conforming: true, settings: new() { ["Nexus:Mcp:Enabled"] = "false" },
            configure: builder => builder.Services.AddMcpServer()
                .WithHttpTransport(t => t.Stateless = true)
                .WithListToolsHandler((_, _) => ValueTask.FromResult(new ModelContextProtocol.Protocol.ListToolsResult
                {
                    Tools = [new ModelContextProtocol.Protocol.Tool { Name = "whisper", InputSchema = System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement }],
                })),
            map: app => app.MapMcp("/mcp"));
        var output = new StringWriter();

        var exitCode = await CheckerCommand.RunAsync([service.Url], output, CancellationToken.None);

        exitCode.ShouldBe(1);
        output.ToString().ShouldContain("FAIL  mcp");
        output.ToString().ShouldContain("function 'shout' is not a tool");
        output.ToString().ShouldContain("tool 'whisper' is no function of the descriptor");
    }

    [Fact]
    public async Task Checker_ServiceThatBreaksTheContract_FailsSayingWhy()
    {
        await using var service = await StartAsync(conforming: false);
        var output = new StringWriter();

        var exitCode = await CheckerCommand.RunAsync([service.Url], output, CancellationToken.None);

        exitCode.ShouldBe(1);
        var report = output.ToString();
        report.ShouldContain("FAIL  descriptor: The descriptor does not match the published schema");
        report.ShouldContain("$.kind");
        report.ShouldContain("FAIL  liveness");
        report.ShouldContain("FAIL  request id");
        report.ShouldContain("breaks the Nexus service contract");
    }

    [Fact]
    public async Task Checker_NothingListening_FailsWithConnectionMessage()
    {
        var output = new StringWriter();

        var exitCode = await CheckerCommand.RunAsync(["http://127.0.0.1:9/", "--timeout", "5"], output, CancellationToken.None);

        exitCode.ShouldBe(1);
        output.ToString().ShouldContain("connection failed");
    }

    [Theory]
    [InlineData(new string[0], "the service URL is missing")]
    [InlineData(new[] { "ftp://x" }, "must be an absolute http or https URL")]
    [InlineData(new[] { "http://x", "--timeout", "-1" }, "--timeout needs a positive number")]
    [InlineData(new[] { "http://x", "--bogus" }, "unexpected argument '--bogus'")]
    public async Task Checker_BadArguments_ExitsWith2AndSaysWhy(string[] args, string message)
    {
        var output = new StringWriter();

        var exitCode = await CheckerCommand.RunAsync(args, output, CancellationToken.None);

        exitCode.ShouldBe(2);
        output.ToString().ShouldContain(message);
    }

    private static async Task<RunningApp> StartAsync(bool conforming, Dictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? map = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = typeof(ContractCheckerTests).Assembly.GetName().Name, EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        if (conforming) builder.AddServiceDefaults();
        configure?.Invoke(builder);

        var app = builder.Build();
        map?.Invoke(app);
        if (conforming)
        {
            app.MapDefaultEndpoints();
            app.MapPost("/v1/shout", (ShoutRequest request) => TypedResults.Ok(new ShoutResponse(request.Text.ToUpperInvariant())))
                .AsNexusFunction("shout", f => f.Example("hi", new ShoutRequest("hi"), new ShoutResponse("HI")));
        }
        else
        {
            // What a hand-rolled service might get wrong: a descriptor off the schema, no liveness, no request ids.
            app.MapGet("/v1/metadata", () => Results.Json(new { schemaVersion = 1, name = "broken", version = "1", kind = "toaster", instanceId = "b-1", labels = new { }, baseUrls = Array.Empty<string>(), functions = Array.Empty<object>() }));
            app.MapGet("/health", () => Results.Ok("fine"));
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningApp(app, address);
    }

    public sealed record ShoutRequest(string Text);

    public sealed record ShoutResponse(string Text);

    private sealed record RunningApp(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
