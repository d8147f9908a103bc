using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Nexus.Agents.Runtime;
using Nexus.Agents.Tools.Mcp;
using Nexus.Testing;

namespace Nexus.Agents.Tests.Mcp;

/// <summary>
/// The tools of a configured external MCP server on the bus (<c>Agents:McpServers</c>), against a real MCP server built
/// with the official SDK, called by a scripted model.
/// </summary>
public sealed class McpServersTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly string Spec = Specs.Agent("librarian", "tools:\n  allow: [\"kb.*\"]\n");

    [Fact]
    public async Task Run_ReadOnlyTool_ReturnsTheServersResultWithTheConfiguredHeaderSent()
    {
        await using var server = await ToolServer.StartAsync();
        var model = new ScriptedChatClient().ThenCall("kb__lookup", new { key = "a" }).Then(AnswerWithTheResult);
        await using var host = await StartAsync(server, model);

        var run = await RunMechanicsTests.RunAsync(host, "librarian", "Look a up.");

        run.State.ShouldBe(RunStates.Completed);
        run.Output.ShouldBe("Result: value of a");
        server.Calls["lookup"].ShouldBe(1);
        server.Refused.ShouldBe(0);
        var tool = model.Calls[0].Options!.Tools!.OfType<AIFunction>().Single(t => t.Name == "kb__lookup");
        tool.Description.ShouldBe("Looks a key up.");
        tool.JsonSchema.GetProperty("properties").TryGetProperty("key", out _).ShouldBeTrue();
        (await host.Http.GetStringAsync("health")).ShouldNotContain(ToolServer.Key);
        (await host.Http.GetStringAsync("v1/agents")).ShouldNotContain(ToolServer.Key);
    }

    [Fact]
    public async Task Run_DestructiveTool_WaitsForApprovalAndRunsOnlyOnceApproved()
    {
        await using var server = await ToolServer.StartAsync();
        var model = new ScriptedChatClient().ThenCall("kb__erase", new { path = "data/old" });
        await using var host = await StartAsync(server, model);

        var paused = await RunMechanicsTests.RunAsync(host, "librarian", "Erase data/old.");

        paused.State.ShouldBe(RunStates.WaitingForApproval);
        server.Calls.ContainsKey("erase").ShouldBeFalse();
        var approval = (await host.Http.GetFromJsonAsync<JsonObject>("v1/agents/approvals"))!["approvals"]!.AsArray().Single()!;
        approval["tool"]!.GetValue<string>().ShouldBe("kb.erase");
        approval["reason"]!.GetValue<string>().ShouldContain("destructive");

        model.Then(AnswerWithTheResult);
        using var decide = new HttpRequestMessage(HttpMethod.Post, $"v1/agents/approvals/{approval["id"]}")
        {
            Content = JsonContent.Create(new { approved = true, reason = "old data", by = "grace" }),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AgentsHost.AdminKey) },
        };
        (await host.Http.SendAsync(decide)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await Eventually.TrueAsync(() => paused.IsFinished, "the approved run to finish", Wait);
        paused.Output.ShouldBe("Result: erased data/old");
        server.Calls["erase"].ShouldBe(1);
    }

    [Fact]
    public async Task Run_ArgumentsAgainstTheSchema_AreRefusedBeforeTheCall()
    {
        await using var server = await ToolServer.StartAsync();
        var model = new ScriptedChatClient().ThenCall("kb__lookup", new { key = 5 }).Then(AnswerWithTheResult);
        await using var host = await StartAsync(server, model);

        var run = await RunMechanicsTests.RunAsync(host, "librarian", "Look 5 up.");

        run.Output!.ShouldContain("The call was not made: the arguments do not match the tool's schema");
        server.Calls.ContainsKey("lookup").ShouldBeFalse();
    }

    [Fact]
    public async Task Run_ImageResult_IsStoredAndReferencedNotPasted()
    {
        await using var server = await ToolServer.StartAsync();
        var model = new ScriptedChatClient().ThenCall("kb__snapshot").Then(AnswerWithTheResult);
        await using var host = await StartAsync(server, model);

        var run = await RunMechanicsTests.RunAsync(host, "librarian", "Take a picture.");

        var result = JsonNode.Parse(run.Output!["Result: ".Length..])!;
        var stored = result["content"]!.AsArray().Single()!;
        stored["contentType"]!.GetValue<string>().ShouldBe("image/png");
        (await host.Http.GetByteArrayAsync(stored["url"]!.GetValue<string>().TrimStart('/'))).ShouldBe(ToolServer.Png);
        run.Output.ShouldNotContain(Convert.ToBase64String(ToolServer.Png));
    }

    [Fact]
    public async Task ToolListChanged_TheNewToolJoinsTheBusAndCanBeCalled()
    {
        await using var server = await ToolServer.StartAsync();
        var model = new ScriptedChatClient();
        await using var host = await StartAsync(server, model);

        server.AddEcho();

        await Eventually.TrueAsync(() => ToolsOf(host).Contains("kb.echo"), "the new tool on the bus", Wait);
        model.ThenCall("kb__echo", new { text = "same" }).Then(AnswerWithTheResult);
        var run = await RunMechanicsTests.RunAsync(host, "librarian", "Echo.");
        run.Output.ShouldBe("Result: same");
    }

    [Fact]
    public async Task ServerStopped_ToolsAreGoneAndHealthIsDegradedNamingIt_BackTheToolsReturn()
    {
        await using var server = await ToolServer.StartAsync();
        var model = new ScriptedChatClient();
        await using var host = await StartAsync(server, model);

        // The server goes away while the model is deciding: the call it then makes is a tool error it reads.
        model.Then((_, _) =>
        {
            server.StopAsync().GetAwaiter().GetResult();
            return ScriptedChatClient.Call("kb__lookup", new { key = "a" });
        }).Then(AnswerWithTheResult);
        var failed = await RunMechanicsTests.RunAsync(host, "librarian", "Look a up.");
        failed.State.ShouldBe(RunStates.Completed);
        failed.Output!.ShouldContain("The tool failed: the MCP server 'kb' cannot be reached");

        await Eventually.TrueAsync(() => ToolsOf(host).Count == 0, "the stopped server's tools to leave the bus", Wait);
        var health = await host.Http.GetFromJsonAsync<JsonObject>("health");
        var agents = health!["checks"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "agents")!;
        agents["status"]!.GetValue<string>().ShouldBe("Degraded");
        agents["description"]!.GetValue<string>().ShouldContain("MCP server 'kb' is unreachable");

        await server.RestartAsync();

        await Eventually.TrueAsync(() => ToolsOf(host).Contains("kb.lookup"), "the server's tools back on the bus", Wait);
        model.ThenCall("kb__lookup", new { key = "b" }).Then(AnswerWithTheResult);
        var run = await RunMechanicsTests.RunAsync(host, "librarian", "Look b up.");
        run.Output.ShouldBe("Result: value of b");
        (await host.Http.GetStringAsync("health")).ShouldNotContain("MCP server 'kb'");
    }

    [Fact]
    public async Task WrongHeader_TheServerRefusesAndHealthNamesTheServerNotTheHeader()
    {
        await using var server = await ToolServer.StartAsync();
        await using var host = await StartAsync(server, new ScriptedChatClient(), key: "not-the-key-0815");

        await Eventually.TrueAsync(() => host.Get<McpServers>().Servers.Single().State.Status == Nexus.ServiceDefaults.McpClients.McpLinkStatus.Down, "the refused connection", Wait);

        var health = await host.Http.GetStringAsync("health");
        health.ShouldContain("MCP server 'kb' is unreachable");
        health.ShouldContain("401");
        health.ShouldNotContain("not-the-key-0815");
        server.Refused.ShouldBeGreaterThan(0);
        ToolsOf(host).ShouldBeEmpty();
    }

    [Fact]
    public async Task Start_InvalidServerSettings_FailsNamingEveryField()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Agents:McpServers:bad.name:Url"] = "http://127.0.0.1:9/mcp",
            ["Agents:McpServers:platform:Url"] = "http://127.0.0.1:9/mcp",
            ["Agents:McpServers:kb:Url"] = "ftp://127.0.0.1/mcp",
            ["Agents:McpServers:kb:TimeoutSeconds"] = "0",
            ["Agents:McpServers:kb:Headers:Content-Type"] = "text/plain",
        };

        var error = await Should.ThrowAsync<OptionsValidationException>(() => AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()), settings: settings));

        error.Message.ShouldContain("Agents:McpServers:bad.name: a server's name");
        error.Message.ShouldContain("Agents:McpServers:platform: 'platform' is the prefix of the bus's own tools.");
        error.Message.ShouldContain("Agents:McpServers:kb:Url: must be an absolute http or https URL.");
        error.Message.ShouldContain("Agents:McpServers:kb:TimeoutSeconds: must be between 1 and 3600.");
        error.Message.ShouldContain("Agents:McpServers:kb:Headers:Content-Type: is set by the MCP transport.");
    }

    private static ChatResponse AnswerWithTheResult(IReadOnlyList<ChatMessage> messages, ChatOptions? options) =>
        ScriptedChatClient.Text("Result: " + messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Last().Result);

    private static List<string> ToolsOf(AgentsHost host) => [.. host.Get<McpServers>().Ready.SelectMany(s => s.Tools).Select(t => t.Name)];

    private static async Task<AgentsHost> StartAsync(ToolServer server, ScriptedChatClient model, int refreshSeconds = 1, string key = ToolServer.Key)
    {
        var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["librarian"] = Spec }, settings: new Dictionary<string, string?>
        {
            ["Agents:McpServers:kb:Url"] = server.Url.ToString(),
            ["Agents:McpServers:kb:Headers:" + ToolServer.KeyHeader] = key,
            ["Agents:McpServers:kb:RefreshSeconds"] = refreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        if (key == ToolServer.Key) await Eventually.TrueAsync(() => host.Get<McpServers>().Ready.Any(), "the MCP server's tools on the bus", Wait);
        return host;
    }
}
