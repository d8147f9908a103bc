using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Nexus.Services.Image.Tests;

/// <summary>The image service on real Kestrel at a random port, wired as Program.cs wires it.</summary>
internal sealed class ImageHost : IAsyncDisposable
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
