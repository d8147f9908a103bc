using System.Net;
using System.Text.Json.Nodes;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests;

public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApi_Document_ListsTheServiceRoutes()
    {
        await using var service = await EchoService.StartAsync();

        var document = JsonNode.Parse(await service.Client.GetStringAsync("openapi/v1.json"))!;

        document["openapi"]!.GetValue<string>().ShouldStartWith("3.");
        document["paths"]!.AsObject().ContainsKey("/v1/echo").ShouldBeTrue();
        document["paths"]!["/v1/echo"]!["post"]!["summary"]!.GetValue<string>().ShouldBe("Repeats text.");
        // Infrastructure is not part of the service's API.
        document["paths"]!.AsObject().Select(p => p.Key).ShouldNotContain(path => path.StartsWith("/docs", StringComparison.Ordinal) || path == "/metrics" || path == "/health");
    }

    [Fact]
    public async Task Docs_ReferencePage_IsServedFromTheServiceWithNothingExternal()
    {
        await using var service = await EchoService.StartAsync();
        using var noRedirects = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = service.BaseAddress };

        using var redirect = await noRedirects.GetAsync("docs");
        using var page = await service.Client.GetAsync("docs/");
        var html = await page.Content.ReadAsStringAsync();
        using var script = await service.Client.GetAsync("docs/scalar.js");

        // Relative, so the page also works behind the gateway's /v1/services/{service}/ prefix.
        redirect.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        redirect.Headers.Location!.OriginalString.ShouldBe("docs/");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        html.ShouldContain("<title>nexus-servicedefaults-tests API</title>");
        html.ShouldContain("\"url\":\"openapi/v1.json\"");
        html.ShouldContain("<script src=\"scalar.js\">");
        script.StatusCode.ShouldBe(HttpStatusCode.OK);
        script.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript");

        // Offline and self-hosted: no web fonts, and none of the buttons and features that call Scalar's services.
        html.ShouldNotContain("http://");
        html.ShouldNotContain("https://");
        html.ShouldContain("\"withDefaultFonts\":false");
        html.ShouldContain("\"hideClientButton\":true");
        html.ShouldContain("\"telemetry\":false");
        html.ShouldContain("\"showDeveloperTools\":\"never\"");
        html.ShouldContain("\"agent\":{\"disabled\":true}");
        html.ShouldContain("\"mcp\":{\"disabled\":true}");
    }
}
