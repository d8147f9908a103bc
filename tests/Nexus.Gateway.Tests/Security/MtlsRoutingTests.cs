using System.Net;
using System.Net.Security;
using System.Text.Json.Nodes;
using Nexus.Gateway.Registry;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.ServiceDefaults.Security;

namespace Nexus.Gateway.Tests.Security;

/// <summary>
/// Internal mTLS end to end: a ServiceDefaults service that requires client certificates from the local CA registers
/// its https address; the gateway, given its own certificate from that CA, probes it ready and routes to it, while a
/// caller without a certificate is refused by the service.
/// </summary>
public sealed class MtlsRoutingTests : IDisposable
{
    private const string Token = "registration-token-for-the-mtls-tests";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private readonly string _folder = Directory.CreateTempSubdirectory("nexus-gateway-mtls-test-").FullName;
    private readonly LocalCertificateAuthority _authority = LocalCertificateAuthority.Create("Nexus test CA", Lifetime);

    [Fact]
    public async Task GatewayWithItsCertificate_ProbesTheServiceReadyAndRoutesToIt_WhileACallerWithoutOneIsRefused()
    {
        await using var gateway = await StartGatewayAsync(_authority.IssueFiles(Path.Combine(_folder, "gateway"), "gateway", ["gateway"], Lifetime));
        await using var service = await StartServiceAsync(gateway);
        var instanceId = service.Configuration["Nexus:InstanceId"]!;
        var (_, _, key) = await gateway.CreateKeyAsync();

        var ready = await Eventually.WaitAsync(() => Find(gateway, instanceId), i => i?.State == InstanceState.Ready, "the service to register over https and be probed ready");
        ready!.BaseUrl.Scheme.ShouldBe(Uri.UriSchemeHttps);

        using var call = new HttpRequestMessage(HttpMethod.Post, "v1/services/echo/v1/echo") { Content = JsonContent.Create(new { text = "through the gateway" }) };
        call.Headers.Authorization = new("Bearer", key);
        using var routed = await gateway.Http.SendAsync(call);
        routed.StatusCode.ShouldBe(HttpStatusCode.OK, await routed.Content.ReadAsStringAsync());
        JsonNode.Parse(await routed.Content.ReadAsStringAsync())!["text"]!.GetValue<string>().ShouldBe("through the gateway");

        using var direct = new HttpClient(new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        await Should.ThrowAsync<HttpRequestException>(() => direct.PostAsJsonAsync(new Uri(ready.BaseUrl, "v1/echo"), new { text = "around the gateway" }));
    }

    [Fact]
    public async Task GatewayWithoutMtlsSettings_NeverGetsTheServiceReady()
    {
        await using var gateway = await StartGatewayAsync(files: null);
        await using var service = await StartServiceAsync(gateway);
        var instanceId = service.Configuration["Nexus:InstanceId"]!;

        // Registration goes to the gateway's plain endpoint and is accepted; every probe's handshake fails, so the
        // instance is never routed to.
        var probed = await Eventually.WaitAsync(() => Find(gateway, instanceId), i => i?.StateReason?.Contains("SSL", StringComparison.Ordinal) == true,
            "a probe to fail in the TLS handshake");
        probed!.State.ShouldBe(InstanceState.Registering);
        gateway.App.Services.GetRequiredService<IServiceRegistry>().ReadyForService("echo").ShouldBeEmpty();
    }

    private static RegisteredInstance? Find(GatewayHost gateway, string instanceId) =>
        gateway.App.Services.GetRequiredService<IServiceRegistry>().Find(instanceId);

    private static Task<GatewayHost> StartGatewayAsync(MtlsFiles? files)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Nexus:Registry:Token"] = Token,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Registry:Health:UnhealthyThreshold"] = "2",
        };
        foreach (var (key, value) in files?.Settings() ?? []) settings[key] = value;
        return GatewayHost.StartAsync(settings);
    }

    /// <summary>A service as the AppHost starts it with mTLS on: https for callers, plain HTTP for health probes.</summary>
    private async Task<WebApplication> StartServiceAsync(GatewayHost gateway)
    {
        var files = _authority.IssueFiles(Path.Combine(_folder, "echo"), "echo", ["localhost", "127.0.0.1"], Lifetime);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Nexus.Tests.Echo", EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("https://127.0.0.1:0", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(files.Settings().Concat(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "echo",
            ["Nexus:InstanceId"] = $"echo-{Guid.NewGuid():N}",
            ["Nexus:Registry:Url"] = gateway.BaseAddress.ToString(),
            ["Nexus:Registry:Token"] = Token,
        }));
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapPost("/v1/echo", (EchoBody body) => body).AsNexusFunction("echo");
        await TestWebHost.StartAsync(app);
        return app;
    }

    internal sealed record EchoBody(string Text);

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
