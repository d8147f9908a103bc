using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Nexus.Agents.Tests;

/// <summary>Each agent is a tool <c>agent.&lt;name&gt;</c> of the service's <c>/mcp</c>, and the list follows the specs.</summary>
public sealed class AgentMcpToolsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static Task<McpClient> ConnectAsync(AgentsHost host, McpClientOptions? options = null) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(host.Service.BaseAddress, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }), options);

    [Fact]
    public async Task McpClient_AgentTool_HasTheAgentsDescriptionAndAnswersWithTheRunsOutput()
    {
        var model = new ScriptedChatClient().ThenText("Poem done.");
        var specs = new Dictionary<string, string> { ["poet"] = "name: poet\ndescription: Writes short poems.\ninstructions: You write.\nmodel: test-model\n" };
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), specs);
        await using var client = await ConnectAsync(host);

        var tools = await client.ListToolsAsync();
        var poet = tools.Single(t => t.Name == "agent.poet");
        var result = await client.CallToolAsync("agent.poet", new Dictionary<string, object?> { ["input"] = "A poem.", ["user"] = "ada", ["workspace"] = "w" });

        tools.Select(t => t.Name).ShouldContain("run-agent"); // the function tools stay
        poet.Description.ShouldBe("Writes short poems.");
        poet.JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name).ShouldBe(["input", "user", "workspace", "conversationId"]);
        result.IsError.ShouldNotBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("Poem done.");
    }

    [Fact]
    public async Task McpClient_AgentToolThatPausesForApproval_IsAnErrorResultNamingTheState()
    {
        var model = new ScriptedChatClient().ThenCall("platform__service_health", new { service = "speech" });
        var specs = new Dictionary<string, string> { ["careful"] = Specs.Agent("careful", "tools:\n  allow: [\"platform.*\"]\n  approve: [\"platform.service_health\"]\n") };
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), specs);
        await using var client = await ConnectAsync(host);

        var result = await client.CallToolAsync("agent.careful", new Dictionary<string, object?> { ["input"] = "Check speech.", ["user"] = "ada" });
        var missingUser = await client.CallToolAsync("agent.careful", new Dictionary<string, object?> { ["input"] = "Check speech." });

        result.IsError.ShouldBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("waiting_for_approval");
        missingUser.IsError.ShouldBe(true);
        missingUser.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("user");
    }

    [Fact]
    public async Task McpSession_SpecAddedAndRemoved_ToolListChangesAndTheClientIsTold()
    {
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(new ScriptedChatClient()), new Dictionary<string, string> { ["first"] = Specs.Agent("first") });
        var changed = new SemaphoreSlim(0);
        // A revision with the initialize handshake: its session is what a notification reaches (later ones list per request).
        await using var client = await ConnectAsync(host, new McpClientOptions { ProtocolVersion = "2025-11-25" });
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            changed.Release();
            return ValueTask.CompletedTask;
        });
        (await client.ListToolsAsync()).Select(t => t.Name).ShouldNotContain("agent.second");

        await File.WriteAllTextAsync(Path.Combine(host.SpecsPath, "second.yaml"), Specs.Agent("second"));
        (await changed.WaitAsync(Timeout)).ShouldBeTrue("no tools/list_changed after a spec was added");
        (await client.ListToolsAsync()).Select(t => t.Name).ShouldContain("agent.second");

        File.Delete(Path.Combine(host.SpecsPath, "first.yaml"));
        await Nexus.Testing.Eventually.WaitAsync(async () => (await client.ListToolsAsync()).Select(t => t.Name).ToList(), names => !names.Contains("agent.first"), "agent.first to leave the tool list", Timeout);
    }
}
