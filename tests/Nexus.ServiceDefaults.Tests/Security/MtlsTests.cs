using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nexus.ServiceDefaults.Metadata;
using Nexus.ServiceDefaults.Security;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests.Security;

/// <summary>A service with <c>Nexus:Mtls</c> set: https only to clients the local CA certified, plain HTTP for health only.</summary>
public sealed class MtlsTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private readonly string _folder = Directory.CreateTempSubdirectory("nexus-mtls-test-").FullName;
    private readonly LocalCertificateAuthority _authority = LocalCertificateAuthority.Create("Nexus test CA", Lifetime);

    [Fact]
    public async Task HttpsRequest_WithoutClientCertificate_IsRefusedInTheHandshake()
    {
        await using var service = await StartServiceAsync();
        using var client = Client(certificate: null);

        var failure = await Should.ThrowAsync<HttpRequestException>(() => client.PostAsJsonAsync(Https(service, "v1/echo"), new { text = "hi" }));

        failure.InnerException.ShouldNotBeNull("the TLS handshake, not the application, refuses the call");
    }

    [Fact]
    public async Task HttpsRequest_WithCertificateFromAnotherCa_IsRefused()
    {
        await using var service = await StartServiceAsync();
        using var stranger = LocalCertificateAuthority.Create("Nexus test CA", Lifetime);
        var strangerFiles = stranger.IssueFiles(Path.Combine(_folder, "stranger"), "gateway", ["localhost", "127.0.0.1"], Lifetime);
        using var credentials = new MtlsCredentials(Options(strangerFiles));
        using var client = Client(credentials.Certificate);

        await Should.ThrowAsync<HttpRequestException>(() => client.PostAsJsonAsync(Https(service, "v1/echo"), new { text = "hi" }));
    }

    [Fact]
    public async Task HttpsRequest_WithTheGatewaysCertificate_IsServed()
    {
        await using var service = await StartServiceAsync();
        using var gateway = new MtlsCredentials(Options(_authority.IssueFiles(_folder, "gateway", ["gateway"], Lifetime)));
        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = gateway.ClientOptions() });

        using var response = await client.PostAsJsonAsync(Https(service, "v1/echo"), new { text = "hi" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>().ShouldBe("hi");
    }

    [Fact]
    public async Task PlainHttp_ServesHealthAndAliveOnly()
    {
        await using var service = await StartServiceAsync();
        var plain = service.App.Urls.Single(url => url.StartsWith("http:", StringComparison.Ordinal));

        using var health = await service.Client.GetAsync(new Uri($"{plain}/health"));
        using var alive = await service.Client.GetAsync(new Uri($"{plain}/alive"));
        using var metadata = await service.Client.GetAsync(new Uri($"{plain}/v1/metadata"));
        using var echo = await service.Client.PostAsJsonAsync(new Uri($"{plain}/v1/echo"), new { text = "hi" });

        health.StatusCode.ShouldBe(HttpStatusCode.OK);
        alive.StatusCode.ShouldBe(HttpStatusCode.OK);
        metadata.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        echo.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        echo.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Descriptor_WithMtls_AdvertisesOnlyTheHttpsAddress()
    {
        await using var service = await StartServiceAsync();

        var descriptor = await service.App.Services.GetRequiredService<DescriptorProvider>().GetDescriptorAsync(CancellationToken.None);

        descriptor.BaseUrls.ShouldHaveSingleItem().ShouldStartWith("https://127.0.0.1:");
    }

    [Fact]
    public async Task Start_WithOnlySomeMtlsPaths_FailsNamingTheMissingOnes()
    {
        var files = _authority.IssueFiles(_folder, "speech", ["localhost"], Lifetime);

        var failure = await Should.ThrowAsync<OptionsValidationException>(() => EchoService.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Registry:Enabled"] = "false",
            ["Nexus:Mtls:CertificatePath"] = files.CertificatePath,
        }));

        failure.Message.ShouldContain("Nexus:Mtls:CaCertificatePath");
        failure.Message.ShouldContain("Nexus:Mtls:KeyPath");
    }

    private async Task<EchoService> StartServiceAsync()
    {
        var files = _authority.IssueFiles(_folder, "speech", ["localhost", "127.0.0.1"], Lifetime);
        var settings = new Dictionary<string, string?>(files.Settings()) { ["Nexus:Registry:Enabled"] = "false" };
        // The https endpoint every caller uses, and the plain one the orchestrator's health probes use.
        return await EchoService.StartAsync(settings, builder => builder.WebHost.UseUrls("https://127.0.0.1:0", "http://127.0.0.1:0"));
    }

    private static Uri Https(EchoService service, string path) =>
        new($"{service.App.Urls.Single(url => url.StartsWith("https:", StringComparison.Ordinal))}/{path}");

    private static MtlsOptions Options(MtlsFiles files) =>
        new() { CaCertificatePath = files.CaCertificatePath, CertificatePath = files.CertificatePath, KeyPath = files.KeyPath };

    /// <summary>A client that presents <paramref name="certificate"/> (or none) and trusts any server, so what the test
    /// sees is the server's verdict.</summary>
    private static HttpClient Client(X509Certificate2? certificate) => new(new SocketsHttpHandler
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            ClientCertificates = certificate is null ? null : [certificate],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        },
    });

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
