using System.Net;
using System.Text.Json.Nodes;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApi_Document_ListsTheServiceRoutes()
    {
        await using var service = await TestService.StartAsync();

        var document = JsonNode.Parse(await service.Client.GetStringAsync("openapi/v1.json"))!;

        document["openapi"]!.GetValue<string>().ShouldStartWith("3.");
        document["paths"]!.AsObject().ContainsKey("/v1/echo").ShouldBeTrue();
        document["paths"]!["/v1/echo"]!["post"]!["summary"]!.GetValue<string>().ShouldBe("Repeats text.");
    }

    [Fact]
    public async Task Docs_ReferencePage_IsServedAndPointsAtTheDocument()
    {
        await using var service = await TestService.StartAsync();

        using var page = await service.Client.GetAsync("docs/index.html");
        var config = await service.Client.GetStringAsync("docs/index.js");

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        config.ShouldContain("../openapi/v1.json");
    }
}
