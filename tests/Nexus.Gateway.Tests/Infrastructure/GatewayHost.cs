using System.ClientModel;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Nexus.Gateway.Registry;
using OpenAI;

namespace Nexus.Gateway.Tests.Infrastructure;

/// <summary>The real gateway on Kestrel at a random loopback port, wired exactly as its Program.cs wires it.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string AdminKey = "nxadm-test-admin-key";

    private GatewayHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Admin = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Admin { get; }
    public HttpClient Http { get; }

    /// <summary>A database file of its own, unless the caller shares one between gateways.</summary>
    public static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), $"nexus-gateway-test-{Guid.NewGuid():N}.db");

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? configuration = null, IServiceRegistry? registry = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Nexus.Gateway", EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var settings = new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Enabled"] = "false",
            ["Nexus:LogFormat"] = "text",
            ["Nexus:Gateway:BootstrapAdminKey"] = AdminKey,
            ["Nexus:Gateway:SqlitePath"] = NewDatabasePath(),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in configuration ?? new Dictionary<string, string?>()) settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        if (registry is not null) builder.Services.AddSingleton(registry);
        if (time is not null) builder.Services.AddSingleton(time);

        builder.AddServiceDefaults();
        builder.AddNexusGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNexusGateway();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayHost(app, new Uri(address + "/"));
    }

    /// <summary>Creates a tenant and a key through the admin API; returns the tenant id, key id and the key.</summary>
    public async Task<(string TenantId, string KeyId, string Key)> CreateKeyAsync(object? tenantPolicy = null, object? keyPolicy = null, string tenantName = "acme")
    {
        var tenantResponse = await Admin.PostAsJsonAsync("admin/tenants", new { name = tenantName, policy = tenantPolicy });
        tenantResponse.EnsureSuccessStatusCode();
        var tenant = (await tenantResponse.Content.ReadFromJsonAsync<JsonObject>())!;
        var tenantId = tenant["id"]!.GetValue<string>();
        var keyResponse = await Admin.PostAsJsonAsync($"admin/tenants/{tenantId}/keys", new { name = "test", policy = keyPolicy });
        keyResponse.EnsureSuccessStatusCode();
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonObject>())!;
        return (tenantId, key["info"]!["id"]!.GetValue<string>(), key["key"]!.GetValue<string>());
    }

    public OpenAIClient OpenAI(string key) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(BaseAddress, "v1"), NetworkTimeout = TimeSpan.FromSeconds(30), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Http.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
