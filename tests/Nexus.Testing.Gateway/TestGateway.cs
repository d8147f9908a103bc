using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Nexus.Testing;

/// <summary>
/// The real gateway on a random loopback port with its bootstrap admin key, an SQLite file of its own and the registry on
/// (fast health probes), for tests that run services, agents or the UI behind it as users do.
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    public const string AdminKey = "nxadm-test-gateway-admin-key";
    public const string RegistrationToken = "test-gateway-registration-token";

    private readonly WebApplication _app;

    private TestGateway(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
        Admin = Client(AdminKey);
    }

    /// <summary>The gateway's address, ending in a slash.</summary>
    public Uri Url { get; }

    /// <summary>A client with the admin key.</summary>
    public HttpClient Admin { get; }

    /// <summary>The settings that make a Nexus service register with this gateway.</summary>
    public IDictionary<string, string?> Registration => new Dictionary<string, string?>
    {
        ["Nexus:Registry:Enabled"] = "true",
        ["Nexus:Registry:Url"] = Url.ToString().TrimEnd('/'),
        ["Nexus:Registry:Token"] = RegistrationToken,
    };

    /// <param name="settings">Gateway settings over the defaults (static routes, <c>Nexus:Registry:Enabled=false</c>, ...).</param>
    /// <param name="services">Replaces services before the gateway is built (a <see cref="TimeProvider"/>, say).</param>
    public static async Task<TestGateway> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Token"] = RegistrationToken,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Gateway:BootstrapAdminKey"] = AdminKey,
            ["Nexus:Gateway:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"nexus-test-gateway-{Guid.NewGuid():N}.db"),
        });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        services?.Invoke(builder.Services);
        builder.AddServiceDefaults();
        builder.AddNexusGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNexusGateway();
        return new TestGateway(app, await TestWebHost.StartAsync(app));
    }

    /// <summary>A client of the gateway with <paramref name="key"/> as its Bearer token.</summary>
    public HttpClient Client(string key, TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    /// <summary>Creates a tenant (with <paramref name="policy"/>, the admin API's shape) and a key of it.</summary>
    public async Task<(string Tenant, string Key)> CreateTenantKeyAsync(string name, object? policy = null)
    {
        using var created = await Admin.PostAsJsonAsync("admin/tenants", policy is null ? new { name } : (object)new { name, policy });
        created.EnsureSuccessStatusCode();
        var tenant = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        using var issued = await Admin.PostAsJsonAsync($"admin/tenants/{tenant}/keys", new { name = "test" });
        issued.EnsureSuccessStatusCode();
        return (tenant, (await issued.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
    }

    /// <summary>Waits until the registry lists a ready instance of <paramref name="service"/>.</summary>
    public Task WaitUntilReadyAsync(string service, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(
            () => Admin.GetStringAsync("v1/registry/instances?state=ready"),
            instances => instances.Contains($"\"{service}\"", StringComparison.Ordinal),
            $"the {service} service to be ready in the registry",
            timeout ?? TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await TestWebHost.StopAsync(_app);
    }
}
