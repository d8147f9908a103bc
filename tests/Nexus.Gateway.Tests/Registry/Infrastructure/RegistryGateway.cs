using System.Net.Http.Headers;
using Nexus.Gateway.Registry;

namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>The gateway's registry on real Kestrel at a random loopback port, wired exactly as Program.cs wires it.</summary>
public sealed class RegistryGateway : IAsyncDisposable
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

    /// <summary>Starts the registry; <paramref name="services"/> may replace what the registry adds with TryAdd (the clock, the resolver).</summary>
    public static async Task<RegistryGateway> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
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
        services?.Invoke(builder.Services);

        builder.AddServiceDefaults();
        builder.AddNexusRegistry();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapRegistryApi();

        return new RegistryGateway(app, await TestWebHost.StartAsync(app));
    }

    /// <summary>The port the gateway listens on.</summary>
    public int Port => BaseAddress.Port;

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
        await TestWebHost.StopAsync(App);
    }
}
