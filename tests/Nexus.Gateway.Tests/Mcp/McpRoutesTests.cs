using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using ModelContextProtocol.Protocol;
using Nexus.Gateway.Tests.Infrastructure;

namespace Nexus.Gateway.Tests.Mcp;

/// <summary>
/// MCP routes: an external MCP server (built with the official SDK) behind the real gateway, its tools listed and called
/// through the gateway's <c>/mcp</c> with the official C# client, under the caller's key and the upstream's token.
/// </summary>
public sealed class McpRoutesTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static Task<GatewayHost> StartGatewayAsync(McpUpstream? configured = null)
    {
        var settings = new Dictionary<string, string?> { ["Nexus:Gateway:Mcp:RouteRefreshInterval"] = "00:00:00.300" };
        if (configured is not null)
        {
            settings["Nexus:Gateway:McpRoutes:search:Url"] = configured.Url.ToString();
            settings["Nexus:Gateway:McpRoutes:search:BearerToken"] = McpUpstream.Token;
        }

        return McpTestHosts.StartGatewayAsync(settings);
    }

    private static Task<JsonObject> WaitForRouteAsync(GatewayHost gateway, string name, string status) =>
        Eventually.WaitAsync(
            async () => (await gateway.Admin.GetFromJsonAsync<JsonObject>($"admin/mcp-routes/{name}"))!,
            route => route["status"]!.GetValue<string>() == status,
            $"the MCP route {name} to be {status}",
            Wait);

    [Fact]
    public async Task ConfiguredRoute_ToolsListedAsRouteDotTool_CalledWithTheUpstreamsTokenAndAudited()
    {
        await using var upstream = await McpUpstream.StartAsync();
        await using var gateway = await StartGatewayAsync(upstream);
        var (tenantId, keyId, key) = await gateway.CreateKeyAsync();
        await WaitForRouteAsync(gateway, "search", "ready");
        await using var client = await McpTestHosts.ConnectAsync(gateway, key);

        var tools = await client.ListToolsAsync();
        var result = await client.CallToolAsync("search.shout", new Dictionary<string, object?> { ["text"] = "quiet please" });

        var shout = tools.Single(t => t.Name == "search.shout");
        shout.Description.ShouldBe("Shouts the text.");
        shout.ProtocolTool.InputSchema.GetProperty("properties").TryGetProperty("text", out _).ShouldBeTrue();
        result.IsError.ShouldNotBe(true);
        result.Content.OfType<TextContentBlock>().Single().Text.ShouldBe("QUIET PLEASE");
        upstream.Refused.ShouldBe(0); // every request to it carried its token
        var record = (await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 1)).Single()!;
        record["endpoint"]!.GetValue<string>().ShouldBe("mcp");
        record["model"]!.GetValue<string>().ShouldBe("search.shout");
        record["keyId"]!.GetValue<string>().ShouldBe(keyId);
        record["status"]!.GetValue<int>().ShouldBe(200);
        record["instance"]!.GetValue<string>().ShouldBe("mcp-route:search");
    }

    [Fact]
    public async Task AdminApi_PutThenDelete_ToolsComeAndGoAndTheSessionIsToldEachTime()
    {
        await using var upstream = await McpUpstream.StartAsync();
        await using var gateway = await StartGatewayAsync();
        var (_, _, key) = await gateway.CreateKeyAsync();
        await using var client = await McpTestHosts.ConnectAsync(gateway, key, protocolVersion: "2025-11-25");
        var changes = Channel.CreateUnbounded<bool>();
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            changes.Writer.TryWrite(true);
            return ValueTask.CompletedTask;
        });
        (await client.ListToolsAsync()).ShouldBeEmpty();

        var put = await gateway.Admin.PutAsJsonAsync("admin/mcp-routes/docs", new { url = upstream.Url, bearerToken = McpUpstream.Token, headers = new Dictionary<string, string> { ["X-Team"] = "platform" } });

        put.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await put.Content.ReadAsStringAsync();
        text.ShouldNotContain(McpUpstream.Token); // the credential is never shown back
        var route = JsonNode.Parse(text)!;
        route["status"]!.GetValue<string>().ShouldBe("ready");
        route["hasBearerToken"]!.GetValue<bool>().ShouldBeTrue();
        route["headerNames"]!.AsArray().Select(h => h!.GetValue<string>()).ShouldBe(["X-Team"]);
        route["tools"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["docs.shout"]);
        (await gateway.Admin.GetStringAsync("admin/mcp-routes")).ShouldNotContain(McpUpstream.Token);
        await changes.Reader.ReadAsync(new CancellationTokenSource(Wait).Token);
        (await client.ListToolsAsync()).Select(t => t.Name).ShouldBe(["docs.shout"]);

        (await gateway.Admin.DeleteAsync("admin/mcp-routes/docs")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await changes.Reader.ReadAsync(new CancellationTokenSource(Wait).Token);
        (await client.ListToolsAsync()).ShouldBeEmpty();
        (await gateway.Admin.GetAsync("admin/mcp-routes/docs")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AdminApi_UrlWithCredentialsOrTheGatewayItselfOrABadName_IsRefusedWith400()
    {
        await using var gateway = await StartGatewayAsync();

        var credentials = await gateway.Admin.PutAsJsonAsync("admin/mcp-routes/docs", new { url = "http://user:pass@127.0.0.1:9/mcp" });
        var itself = await gateway.Admin.PutAsJsonAsync("admin/mcp-routes/loop", new { url = new Uri(gateway.BaseAddress, "mcp") });
        var badName = await gateway.Admin.PutAsJsonAsync("admin/mcp-routes/a.b", new { url = "http://127.0.0.1:9/mcp" });
        var badHeader = await gateway.Admin.PutAsJsonAsync("admin/mcp-routes/docs", new { url = "http://127.0.0.1:9/mcp", headers = new Dictionary<string, string> { ["Mcp-Session-Id"] = "x" } });

        credentials.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await credentials.Content.ReadAsStringAsync()).ShouldContain("credentials");
        itself.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await itself.Content.ReadAsStringAsync()).ShouldContain("gateway itself");
        badName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        badHeader.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await gateway.Admin.GetFromJsonAsync<JsonArray>("admin/mcp-routes"))!.ShouldBeEmpty();
    }

    [Fact]
    public async Task KeyWithoutTheRoutesScope_NeitherListsNorCallsItsTools()
    {
        await using var upstream = await McpUpstream.StartAsync();
        await using var gateway = await StartGatewayAsync(upstream);
        var (tenantId, _, scoped) = await gateway.CreateKeyAsync(keyPolicy: new { scopes = new[] { "services:other" } });
        var (_, _, allowed) = await gateway.CreateKeyAsync(keyPolicy: new { scopes = new[] { "services:search" } }, tenantName: "allowed");
        await WaitForRouteAsync(gateway, "search", "ready");
        await using var scopedClient = await McpTestHosts.ConnectAsync(gateway, scoped);
        await using var allowedClient = await McpTestHosts.ConnectAsync(gateway, allowed);

        (await scopedClient.ListToolsAsync()).ShouldBeEmpty();
        (await allowedClient.ListToolsAsync()).Select(t => t.Name).ShouldBe(["search.shout"]);
        var refused = await scopedClient.CallToolAsync("search.shout", new Dictionary<string, object?> { ["text"] = "no" });

        refused.IsError.ShouldBe(true);
        refused.Content.OfType<TextContentBlock>().Single().Text.ShouldContain("services:search");
        var record = (await AuditReader.WaitForAsync(gateway.Admin, $"admin/audit?tenantId={tenantId}", 1)).Single()!;
        record["model"]!.GetValue<string>().ShouldBe("search.shout");
        record["status"]!.GetValue<int>().ShouldBe(403);
    }

    [Fact]
    public async Task UpstreamStops_ItsToolsGoReadinessSaysWhyAndACallIsAToolError()
    {
        var upstream = await McpUpstream.StartAsync();
        await using var gateway = await StartGatewayAsync(upstream);
        var (_, _, key) = await gateway.CreateKeyAsync();
        await WaitForRouteAsync(gateway, "search", "ready");
        await using var client = await McpTestHosts.ConnectAsync(gateway, key, protocolVersion: "2025-11-25");
        var changes = Channel.CreateUnbounded<bool>();
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            changes.Writer.TryWrite(true);
            return ValueTask.CompletedTask;
        });
        (await client.ListToolsAsync()).Count.ShouldBe(1);

        await upstream.DisposeAsync();

        var route = await WaitForRouteAsync(gateway, "search", "down");
        route["problem"]!.GetValue<string>().ShouldNotBeNullOrWhiteSpace();
        route["tools"]!.AsArray().ShouldBeEmpty();
        await changes.Reader.ReadAsync(new CancellationTokenSource(Wait).Token);
        (await client.ListToolsAsync()).ShouldBeEmpty();
        var health = await gateway.Http.GetAsync("health");
        health.StatusCode.ShouldBe(HttpStatusCode.OK); // the gateway still serves everything else
        (await health.Content.ReadAsStringAsync()).ShouldContain("Degraded");
        // A client still holding the old list gets an MCP error for an unknown tool, never an HTTP 500.
        await Should.ThrowAsync<ModelContextProtocol.McpException>(() => client.CallToolAsync("search.shout", new Dictionary<string, object?> { ["text"] = "x" }).AsTask());
    }

    [Fact]
    public async Task UpstreamAddsATool_SessionIsToldAndListsIt()
    {
        await using var upstream = await McpUpstream.StartAsync();
        await using var gateway = await StartGatewayAsync(upstream);
        var (_, _, key) = await gateway.CreateKeyAsync();
        await WaitForRouteAsync(gateway, "search", "ready");
        await using var client = await McpTestHosts.ConnectAsync(gateway, key, protocolVersion: "2025-11-25");
        var changes = Channel.CreateUnbounded<bool>();
        await using var handler = client.RegisterNotificationHandler(NotificationMethods.ToolListChangedNotification, (_, _) =>
        {
            changes.Writer.TryWrite(true);
            return ValueTask.CompletedTask;
        });
        (await client.ListToolsAsync()).Select(t => t.Name).ShouldBe(["search.shout"]);

        upstream.AddEcho();

        await changes.Reader.ReadAsync(new CancellationTokenSource(Wait).Token);
        (await client.ListToolsAsync()).Select(t => t.Name).Order(StringComparer.Ordinal).ShouldBe(["search.echo", "search.shout"]);
        var echoed = await client.CallToolAsync("search.echo", new Dictionary<string, object?> { ["text"] = "same" });
        echoed.Content.OfType<TextContentBlock>().Single().Text.ShouldBe("same");
    }
}
