using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>The gateway's registry on real Kestrel at a random loopback port, wired exactly as Program.cs wires it.</summary>
internal sealed class RegistryGateway : IAsyncDisposable
{
    public const string Token = "test-registration-token-0123456789";

    private RegistryGateway(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IServiceRegistry Registry => App.Services.GetRequiredService<IServiceRegistry>();

    public static async Task<RegistryGateway> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Nexus.Gateway", EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Token"] = Token,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Registry:Health:ProbeTimeout"] = "00:00:02",
            ["Nexus:Registry:Health:HealthyThreshold"] = "2",
            ["Nexus:Registry:Health:UnhealthyThreshold"] = "2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);

        builder.AddServiceDefaults();
        builder.AddNexusRegistry();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapRegistryApi();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RegistryGateway(app, new Uri(address + "/"));
    }

    /// <summary>A request with <c>Authorization: Bearer</c>.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string path, string? bearer, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
