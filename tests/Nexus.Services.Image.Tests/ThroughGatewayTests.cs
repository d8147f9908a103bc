using System.ClientModel;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Nexus.Testing;
using OpenAI;
using OpenAI.Images;

namespace Nexus.Services.Image.Tests;

/// <summary>
/// Client → gateway → image service → Automatic1111, with the official OpenAI SDK as the client: an image asked for as
/// a URL downloads from the gateway by the link it handed out, without the key, until the link expires.
/// </summary>
public sealed class ThroughGatewayTests
{
    private const string AdminKey = "nxadm-image-e2e-admin-key";
    private const string Model = "sdxl_base";

    [Fact]
    public async Task OpenAISdk_ImageAsUrlThroughTheGateway_DownloadsThePngFromTheGateway()
    {
        await using var a1111 = await FakeAutomatic1111.StartAsync();
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:Automatic1111Url"] = a1111.Url });
        var gateway = await StartGatewayAsync(service.BaseAddress);
        try
        {
            var gatewayUrl = TestWebHost.BaseAddress(gateway);
            var image = await GenerateAsync(gatewayUrl, await CreateKeyAsync(gatewayUrl));

            image.ImageUri.GetLeftPart(UriPartial.Authority).ShouldBe(gatewayUrl.GetLeftPart(UriPartial.Authority));
            image.ImageUri.AbsolutePath.ShouldStartWith("/v1/images/files/");
            image.ImageUri.ToString().ShouldNotContain(service.BaseAddress.Authority);
            // The link is the credential, as OpenAI's image URLs are: a plain download, no key.
            using var download = new HttpClient();
            using var response = await download.GetAsync(image.ImageUri);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
            (await response.Content.ReadAsByteArrayAsync())[..8].ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
        }
        finally
        {
            await TestWebHost.StopAsync(gateway);
        }
    }

    [Fact]
    public async Task ImageLink_AlteredOrExpired_Is404InOpenAIsEnvelope()
    {
        await using var a1111 = await FakeAutomatic1111.StartAsync();
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:Automatic1111Url"] = a1111.Url });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var gateway = await StartGatewayAsync(service.BaseAddress, time);
        try
        {
            var gatewayUrl = TestWebHost.BaseAddress(gateway);
            var link = (await GenerateAsync(gatewayUrl, await CreateKeyAsync(gatewayUrl))).ImageUri.ToString();
            var token = link[(link.LastIndexOf('/') + 1)..^4];
            var altered = link.Replace(token, token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..], StringComparison.Ordinal);
            using var download = new HttpClient();

            await ShouldBeNotFoundAsync(download, altered);
            (await download.GetAsync(link)).StatusCode.ShouldBe(HttpStatusCode.OK);
            time.Advance(TimeSpan.FromMinutes(61));
            await ShouldBeNotFoundAsync(download, link);
        }
        finally
        {
            await TestWebHost.StopAsync(gateway);
        }
    }

    private static async Task ShouldBeNotFoundAsync(HttpClient client, string link)
    {
        using var response = await client.GetAsync(link);
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>().ShouldBe("image_not_found");
    }

    private static async Task<GeneratedImage> GenerateAsync(Uri gateway, string key)
    {
        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30) });
        var result = await client.GetImageClient(Model).GenerateImageAsync("a red fox", new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Uri, Size = new GeneratedImageSize(256, 256) });
        return result.Value;
    }

    /// <summary>The gateway with a static route to the service for its Automatic1111 model (when given), and any other settings.</summary>
    internal static async Task<WebApplication> StartGatewayAsync(Uri? service, TimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Enabled"] = "false",
            ["Nexus:Gateway:BootstrapAdminKey"] = AdminKey,
            ["Nexus:Gateway:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"nexus-image-e2e-{Guid.NewGuid():N}.db"),
        });
        if (service is not null) builder.Configuration[$"Nexus:Gateway:Routes:Models:{Model}:0:Url"] = service.ToString();
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        if (time is not null) builder.Services.AddSingleton(time);
        builder.AddServiceDefaults();
        builder.AddNexusGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNexusGateway();
        await TestWebHost.StartAsync(app);
        return app;
    }

    internal static async Task<string> CreateKeyAsync(Uri gateway)
    {
        using var admin = new HttpClient { BaseAddress = gateway };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        var tenant = await (await admin.PostAsJsonAsync("admin/tenants", new { name = "painters" })).Content.ReadFromJsonAsync<JsonObject>();
        var key = await (await admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "e2e" })).Content.ReadFromJsonAsync<JsonObject>();
        return key!["key"]!.GetValue<string>();
    }
}
