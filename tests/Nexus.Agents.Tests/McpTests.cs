using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Nexus.Agents.Tests;

/// <summary>Agents through the service's own <c>/mcp</c>: <c>run-agent</c> is a tool, and a call runs the agent to its answer.</summary>
public sealed class McpTests
{
    [Fact]
    public async Task McpClient_RunAgentTool_RunsTheAgentAndAnswersWithItsOutput()
    {
        var model = new ScriptedChatClient().ThenText("Answer over MCP.");
        await using var host = await AgentsHost.StartAsync(new ScriptedClients(model), new Dictionary<string, string> { ["mcp-helper"] = Specs.Agent("mcp-helper") });
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(host.Service.BaseAddress, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
        }));

        (await client.ListToolsAsync()).Select(t => t.Name).ShouldContain("run-agent");
        var result = await client.CallToolAsync("run-agent", new Dictionary<string, object?> { ["agent"] = "mcp-helper", ["input"] = "Hi", ["user"] = "ada", ["workspace"] = "w", ["wait"] = true });

        result.IsError.ShouldNotBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("Answer over MCP.");
    }
}
