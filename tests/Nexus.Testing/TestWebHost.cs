using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Nexus.Testing;

/// <summary>Real Kestrel on a random loopback port: the one way the tests start a web app (a service, a gateway, a fake
/// upstream), so every test talks HTTP over a socket as users do.</summary>
public static class TestWebHost
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>A builder listening on <c>127.0.0.1:0</c> in the <c>Testing</c> environment.</summary>
    public static WebApplicationBuilder CreateBuilder(string? applicationName = null, bool slim = false)
    {
        var options = new WebApplicationOptions { ApplicationName = applicationName, EnvironmentName = "Testing" };
        var builder = slim ? WebApplication.CreateSlimBuilder(options) : WebApplication.CreateBuilder(options);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        return builder;
    }

    /// <summary>Starts the app (with a timeout) and returns its address, ending in a slash.</summary>
    public static async Task<Uri> StartAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(timeout.Token);
        return BaseAddress(app);
    }

    public static Uri BaseAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    /// <summary>Stops and disposes the app, with a timeout.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}
