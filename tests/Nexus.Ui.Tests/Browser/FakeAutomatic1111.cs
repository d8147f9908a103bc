using Nexus.Testing;

namespace Nexus.Ui.Tests.Browser;

/// <summary>Speaks Automatic1111's API: <c>/sdapi/v1/sd-models</c> and <c>/sdapi/v1/txt2img</c> answering a base64 PNG.</summary>
internal sealed class FakeAutomatic1111 : IAsyncDisposable
{
    // A 2x2 PNG (red, green, blue, white): a real image the browser decodes.
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC";
    private readonly WebApplication _app;
    private int _generations;

    private FakeAutomatic1111(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>How many txt2img requests reached the engine.</summary>
    public int Generations => Volatile.Read(ref _generations);

    public static async Task<FakeAutomatic1111> StartAsync()
    {
        var builder = TestWebHost.CreateBuilder(slim: true);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeAutomatic1111? self = null;
        app.MapGet("/sdapi/v1/sd-models", () => Results.Json(new[] { new { title = "sdxl_base.safetensors [31e35c80fc]", model_name = "sdxl_base", hash = "31e35c80fc" } }));
        app.MapPost("/sdapi/v1/txt2img", () =>
        {
            Interlocked.Increment(ref self!._generations);
            return Results.Json(new { images = new[] { Png }, parameters = new { }, info = "{}" });
        });
        self = new FakeAutomatic1111(app, (await TestWebHost.StartAsync(app)).ToString().TrimEnd('/'));
        return self;
    }

    public async ValueTask DisposeAsync() => await TestWebHost.StopAsync(_app);
}
