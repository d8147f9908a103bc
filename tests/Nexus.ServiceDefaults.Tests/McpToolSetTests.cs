using Microsoft.Extensions.AI;
using Nexus.ServiceDefaults.McpClients;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

/// <summary>An MCP server's tools as <see cref="AIFunction"/>s, against a real service's own <c>/mcp</c>.</summary>
public sealed class McpToolSetTests
{
    [Fact]
    public async Task ConnectAsync_ServiceMcp_ToolsAreAIFunctionsWithThePrefixThatCallTheService()
    {
        await using var service = await EchoService.StartAsync();
        await using var tools = await McpToolSet.ConnectAsync(new McpServerConnection { Name = "echo", Url = new Uri(service.BaseAddress, "mcp"), ToolPrefix = "echo_" });

        AIFunction echo = tools.Tools.Single(t => t.Name == "echo_echo");
        var result = await echo.InvokeAsync(new AIFunctionArguments(new Dictionary<string, object?> { ["text"] = "ab", ["repeat"] = 2 }));

        echo.Description.ShouldBe("Repeats the given text a number of times.");
        echo.JsonSchema.GetProperty("properties").TryGetProperty("repeat", out _).ShouldBeTrue();
        result!.ToString()!.ShouldContain("abab");
        tools.Tools.Select(t => t.Name).ShouldAllBe(n => n.StartsWith("echo_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_Throws()
    {
        var connection = new McpServerConnection { Name = "gone", Url = new Uri("http://127.0.0.1:9/mcp") };

        await Should.ThrowAsync<Exception>(() => McpToolSet.ConnectAsync(connection));
    }
}
