using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nexus.Contract;
using Nexus.ServiceDefaults.Metadata;

namespace Nexus.Gateway.Tests.Registry.Infrastructure;

/// <summary>
/// A real Nexus service (AddServiceDefaults, on Kestrel at a random loopback port) whose readiness the test flips.
/// Self-registration is off unless the test configures a registry.
/// </summary>
public sealed class TestInstance : IAsyncDisposable
{
    private volatile bool _healthy = true;

    private TestInstance(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public string Url => BaseAddress.ToString().TrimEnd('/');

    public bool Healthy
    {
        get => _healthy;
        set => _healthy = value;
    }

    public static async Task<TestInstance> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Nexus.Tests.Echo", EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?> { ["Nexus:Registry:Enabled"] = "false" });

        TestInstance? instance = null;
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck("switch", () =>
            instance?.Healthy != false ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off by the test"));

        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/v1/echo", (EchoBody body) => body).AsNexusFunction("echo");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        instance = new TestInstance(app, new Uri(address + "/"));
        return instance;
    }

    /// <summary>The descriptor the service serves at /v1/metadata.</summary>
    public Task<NexusServiceDescriptor> DescriptorAsync() =>
        App.Services.GetRequiredService<DescriptorProvider>().GetDescriptorAsync(CancellationToken.None).AsTask();

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }

    internal sealed record EchoBody(string Text);
}
