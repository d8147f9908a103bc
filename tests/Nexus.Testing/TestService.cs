using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Nexus.Testing;

/// <summary>A Nexus service on <see cref="TestWebHost"/>, wired by the caller as its Program.cs wires it, with an
/// <see cref="HttpClient"/> on its address. Registration is off unless the settings turn it on.</summary>
public sealed class TestService : IAsyncDisposable
{
    private TestService(WebApplication app, Uri baseAddress, TimeSpan timeout, RequestLog requests)
    {
        App = app;
        Requests = requests;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    /// <summary>The status of every request the service finished, including those whose client had gone.</summary>
    public RequestLog Requests { get; }

    /// <param name="applicationName">The service's assembly name, so its appsettings and content root are found.</param>
    /// <param name="name">The service's name and kind (<c>Nexus:Name</c>, <c>Nexus:Kind</c>).</param>
    /// <param name="settings">Configuration over the defaults (registration off).</param>
    /// <param name="addServices">e.g. <c>b =&gt; { b.AddServiceDefaults(); b.AddOcrService(); }</c></param>
    /// <param name="mapEndpoints">e.g. <c>app =&gt; { app.MapDefaultEndpoints(); app.MapOcrApi(); }</c></param>
    /// <param name="clientTimeout">The <see cref="Http"/> client's timeout; 60 s by default.</param>
    public static async Task<TestService> StartAsync(
        string applicationName,
        string name,
        IDictionary<string, string?>? settings,
        Action<WebApplicationBuilder> addServices,
        Action<WebApplication> mapEndpoints,
        TimeSpan? clientTimeout = null)
    {
        var builder = TestWebHost.CreateBuilder(applicationName);
        var requests = new RequestLog();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(requests);
        // The services' settings keep Microsoft.AspNetCore at Warning; this provider needs hosting's Information.
        builder.Logging.AddFilter<RequestLog>(RequestLog.Category, LogLevel.Information);
        var configuration = new Dictionary<string, string?> { ["Nexus:Name"] = name, ["Nexus:Kind"] = name, ["Nexus:Registry:Enabled"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        addServices(builder);
        var app = builder.Build();
        mapEndpoints(app);
        return new TestService(app, await TestWebHost.StartAsync(app), clientTimeout ?? TimeSpan.FromSeconds(60), requests);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await TestWebHost.StopAsync(App);
    }
}
