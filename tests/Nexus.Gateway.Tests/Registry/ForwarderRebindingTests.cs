using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Security;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.Gateway.Tests.Registry.Infrastructure;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>
/// The forwarder checks an instance's address on every new connection, with the address policy that admitted its
/// registration, and connects to exactly the addresses it checked: a name that resolves elsewhere after registration
/// (DNS rebinding) reaches neither a metadata address nor the gateway's own sockets.
/// </summary>
public sealed class ForwarderRebindingTests
{
    [Fact]
    public async Task Forward_InstanceName_ConnectsToTheAddressThePolicyResolved()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var dns = new FakeHostResolver();
        dns.Set("instance.test", "127.0.0.1");
        var registry = new TestRegistry();
        // A name only the policy's resolver knows: the system's would fail, so a 200 shows whose addresses were used.
        registry.Add("a", new Uri($"http://instance.test:{upstream.BaseAddress.Port}/"), "svc", ["rebound"]);
        await using var gateway = await Host.StartAsync(registry, dns);

        var (status, _) = await gateway.ChatAsync("rebound");

        status.ShouldBe(HttpStatusCode.OK);
        upstream.Requests.ShouldBe(1);
    }

    [Theory]
    [InlineData("169.254.169.254", false, "cloud metadata")]
    [InlineData("169.254.10.1", false, "link-local")]
    [InlineData("127.0.0.1", true, "this gateway's own address")]
    public async Task Forward_NameRebindsAfterRegistration_RefusedBeforeConnecting(string rebound, bool gatewayPort, string reason)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var dns = new FakeHostResolver();
        var registry = new TestRegistry();
        await using var gateway = await Host.StartAsync(registry, dns);
        var port = gatewayPort ? gateway.BaseAddress.Port : upstream.BaseAddress.Port;
        // Admitted while the name pointed at an ordinary address; then its DNS answer changes.
        dns.Set("rebinding.test", "10.20.30.40");
        (await gateway.Policy.CheckInstanceAsync(new Uri($"http://rebinding.test:{port}/"), CancellationToken.None)).Allowed.ShouldBeTrue();
        registry.Add("a", new Uri($"http://rebinding.test:{port}/"), "svc", ["rebound"]);
        dns.Set("rebinding.test", rebound);

        var (status, body) = await gateway.ChatAsync("rebound");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable, body);
        upstream.Requests.ShouldBe(0);
        gateway.Failures.ShouldContain(m => m.Contains("Refused by the gateway's address policy", StringComparison.Ordinal) && m.Contains(reason, StringComparison.Ordinal));
    }

    /// <summary>The whole gateway over a test registry, with DNS the test controls and its forwarding failures recorded.</summary>
    private sealed class Host : IAsyncDisposable, ILoggerProvider
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;

        private Host(WebApplication app, Uri baseAddress, string key)
        {
            _app = app;
            BaseAddress = baseAddress;
            _client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            _client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }

        public Uri BaseAddress { get; }
        public ConcurrentQueue<string> Failures { get; } = new();
        public UpstreamAddressPolicy Policy => _app.Services.GetRequiredService<UpstreamAddressPolicy>();

        public static async Task<Host> StartAsync(IServiceRegistry registry, IHostResolver dns)
        {
            var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Nexus:Name"] = "gateway",
                ["Nexus:Registry:Enabled"] = "false",
                ["Nexus:Gateway:BootstrapAdminKey"] = GatewayHost.AdminKey,
                ["Nexus:Gateway:SqlitePath"] = GatewayHost.NewDatabasePath(),
            });
            builder.Services.AddSingleton(registry);
            builder.Services.Replace(ServiceDescriptor.Singleton(dns));
            builder.AddServiceDefaults();
            builder.AddNexusGateway();
            var app = builder.Build();
            app.MapDefaultEndpoints();
            app.MapNexusGateway();
            var address = await TestWebHost.StartAsync(app);

            using var admin = new HttpClient { BaseAddress = address };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", GatewayHost.AdminKey);
            var tenant = await (await admin.PostAsJsonAsync("admin/tenants", new { name = "rebinding" })).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
            var key = await (await admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "k" })).Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();
            var host = new Host(app, address, key!["key"]!.GetValue<string>());
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(host);
            return host;
        }

        public async Task<(HttpStatusCode Status, string Body)> ChatAsync(string model)
        {
            using var response = await _client.PostAsJsonAsync("v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } } });
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        public ILogger CreateLogger(string categoryName) => categoryName.EndsWith("ForwardStep", StringComparison.Ordinal) ? new Recorder(Failures) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await TestWebHost.StopAsync(_app);
        }

        private sealed class Recorder(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue(formatter(state, exception));
        }
    }
}
