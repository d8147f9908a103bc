using System.Text.Json.Nodes;
using Nexus.Services.Image.Backends;
using Nexus.Testing;

namespace Nexus.Services.Image.Tests;

/// <summary>Speaks Automatic1111's API: <c>/sdapi/v1/sd-models</c> and <c>/sdapi/v1/txt2img</c> answering base64 PNGs.</summary>
internal sealed class FakeAutomatic1111 : IAsyncDisposable
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
        var builder = TestWebHost.CreateBuilder(slim: true);
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
        self = new FakeAutomatic1111(app, (await TestWebHost.StartAsync(app)).ToString().TrimEnd('/'));
        return self;
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
}
