using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Nexus.Testing;

namespace Nexus.Services.Image.Tests;

/// <summary>
/// MCP client → the gateway's <c>/mcp</c> → the registered image service → Automatic1111, with the official C# MCP
/// client: the image comes back as MCP image content with its MIME type.
/// </summary>
public sealed class McpThroughGatewayTests
{
    [Fact]
    public async Task CallTool_GenerateImageThroughTheGatewaysMcp_ReturnsImageContentWithItsMimeType()
    {
        await using var a1111 = await FakeAutomatic1111.StartAsync();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:Health:HealthyThreshold"] = "1" });
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?>(gateway.Registration)
        {
            ["Image:Automatic1111Url"] = a1111.Url,
            ["Nexus:Kind"] = "image",
        });
        var (_, key) = await gateway.CreateTenantKeyAsync("painters");
        await using var client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(gateway.Url, "mcp"),
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + key },
        }));
        await Eventually.WaitAsync(async () => await client.ListToolsAsync(), tools => tools.Any(t => t.Name == "image.generate-image"), "the image service's tool on the gateway", TimeSpan.FromSeconds(30));

        var result = await client.CallToolAsync("image.generate-image", new Dictionary<string, object?>
        {
            ["prompt"] = "a lighthouse in fog",
            ["model"] = "sdxl_base",
            ["size"] = "256x256",
        });

        result.IsError.ShouldNotBe(true, string.Join(" ", result.Content.OfType<TextContentBlock>().Select(t => t.Text)));
        var image = result.Content.OfType<ImageContentBlock>().Single();
        image.MimeType.ShouldBe("image/png");
        var png = image.DecodedData.ToArray();
        Png.Dimensions(png).ShouldBe((8, 8)); // the very image Automatic1111 answered
        a1111.LastRequest!["prompt"]!.GetValue<string>().ShouldBe("a lighthouse in fog");
        result.StructuredContent!.Value.GetProperty("data")[0].GetProperty("revised_prompt").GetString().ShouldBe("a lighthouse in fog");
    }
}
