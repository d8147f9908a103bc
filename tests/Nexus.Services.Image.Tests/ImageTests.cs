using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Nexus.Services.Image.Backends;

namespace Nexus.Services.Image.Tests;

public sealed class ImageTests
{
    [Fact]
    public async Task ProceduralDev_ProducesRealPngsOfTheRequestedSize()
    {
        await using var service = await ImageHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "ocean waves", model = "procedural-dev", size = "320x200", n = 2 });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        data.Count.ShouldBe(2);
        var png = Convert.FromBase64String(data[0]!["b64_json"]!.GetValue<string>());
        Dimensions(png).ShouldBe((320, 200));
        DecodedPixelBytes(png).ShouldBe(200 * ((320 * 3) + 1));
        data[0]!["b64_json"]!.GetValue<string>().ShouldNotBe(data[1]!["b64_json"]!.GetValue<string>());
    }

    [Fact]
    public async Task Url_ServesTheStoredImage()
    {
        await using var service = await ImageHost.StartAsync();

        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "a circle", model = "procedural-dev", size = "64x64", response_format = "url" });
        var url = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["url"]!.GetValue<string>();
        using var file = await service.Http.GetAsync(url);

        file.StatusCode.ShouldBe(HttpStatusCode.OK);
        file.Content.Headers.ContentType!.MediaType.ShouldBe("image/png");
        Dimensions(await file.Content.ReadAsByteArrayAsync()).ShouldBe((64, 64));
    }

    [Fact]
    public async Task Automatic1111_GenerationAndCatalogGoThroughItsApi()
    {
        await using var a1111 = await FakeAutomatic1111.StartAsync();
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:Automatic1111Url"] = a1111.Url });

        var models = JsonNode.Parse(await service.Http.GetStringAsync("v1/metadata"))!["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>());
        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "a red fox", model = "sdxl_base", size = "512x768" });

        models.ShouldContain("sdxl_base");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        a1111.LastRequest!["prompt"]!.GetValue<string>().ShouldBe("a red fox");
        a1111.LastRequest["width"]!.GetValue<int>().ShouldBe(512);
        a1111.LastRequest["height"]!.GetValue<int>().ShouldBe(768);
        a1111.LastRequest["override_settings"]!["sd_model_checkpoint"]!.GetValue<string>().ShouldBe("sdxl_base");
        var png = Convert.FromBase64String(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]![0]!["b64_json"]!.GetValue<string>());
        Dimensions(png).ShouldBe((8, 8));
    }

    [Fact]
    public async Task Automatic1111Down_ItsModelIsNotReadyWithTheReason()
    {
        await using var service = await ImageHost.StartAsync(new Dictionary<string, string?> { ["Image:Automatic1111Url"] = "http://127.0.0.1:9", ["Image:ProceduralDev"] = "false" });

        using var health = await service.Http.GetAsync("health");
        using var response = await service.Http.PostAsJsonAsync("v1/images/generations", new { prompt = "x", model = "automatic1111", size = "64x64" });

        health.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await health.Content.ReadAsStringAsync()).ShouldContain("unreachable");
        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Theory]
    [InlineData("""{"model":"procedural-dev","size":"64x64"}""", 400, "prompt")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","size":"100x100"}""", 400, "size")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","size":"huge"}""", 400, "size")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","n":9}""", 400, "n")]
    [InlineData("""{"prompt":"x","model":"procedural-dev","response_format":"gif"}""", 400, "response_format")]
    [InlineData("""{"prompt":"x","model":"dall-e-3"}""", 404, "model")]
    public async Task BadRequest_GetsOpenAIErrorNamingTheField(string body, int status, string param)
    {
        await using var service = await ImageHost.StartAsync();

        using var response = await service.Http.PostAsync("v1/images/generations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).ShouldBe(status);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["param"]!.GetValue<string>().ShouldBe(param);
    }

    private static (int Width, int Height) Dimensions(byte[] png)
    {
        png[..8].ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
        System.Text.Encoding.ASCII.GetString(png, 12, 4).ShouldBe("IHDR");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Inflates the IDAT chunk, proving the image data is complete and well formed.</summary>
    private static int DecodedPixelBytes(byte[] png)
    {
        var offset = 8;
        while (offset < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            if (type == "IDAT")
            {
                using var zlib = new ZLibStream(new MemoryStream(png, offset + 8, length), CompressionMode.Decompress);
                using var pixels = new MemoryStream();
                zlib.CopyTo(pixels);
                return (int)pixels.Length;
            }

            offset += 12 + length;
        }

        return 0;
    }

    private sealed class ImageHost : IAsyncDisposable
    {
        private ImageHost(WebApplication app, HttpClient http)
        {
            App = app;
            Http = http;
        }

        public WebApplication App { get; }
        public HttpClient Http { get; }

        public static async Task<ImageHost> StartAsync(IDictionary<string, string?>? settings = null)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Nexus.Services.Image", EnvironmentName = "Testing" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Nexus:Name"] = "image", ["Nexus:Kind"] = "image" });
            builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
            builder.AddServiceDefaults();
            builder.AddImageService();
            var app = builder.Build();
            app.MapDefaultEndpoints();
            app.MapImageApi();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new ImageHost(app, new HttpClient { BaseAddress = new Uri(address + "/"), Timeout = TimeSpan.FromSeconds(30) });
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    /// <summary>Speaks Automatic1111's API: <c>/sdapi/v1/sd-models</c> and <c>/sdapi/v1/txt2img</c> answering base64 PNGs.</summary>
    private sealed class FakeAutomatic1111 : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private FakeAutomatic1111(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }
        public JsonObject? LastRequest { get; private set; }

        public static async Task<FakeAutomatic1111> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            FakeAutomatic1111? self = null;
            app.MapGet("/sdapi/v1/sd-models", () => Results.Json(new[] { new { title = "sdxl_base.safetensors [31e35c80fc]", model_name = "sdxl_base", hash = "31e35c80fc" } }));
            app.MapPost("/sdapi/v1/txt2img", async (HttpContext context) =>
            {
                self!.LastRequest = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
                var image = PngWriter.Encode(8, 8, new byte[8 * 8 * 3]);
                return Results.Json(new { images = new[] { Convert.ToBase64String(image) }, parameters = new { }, info = "{}" });
            });
            await app.StartAsync();
            self = new FakeAutomatic1111(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return self;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
