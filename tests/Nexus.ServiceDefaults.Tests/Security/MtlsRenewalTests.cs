using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Nexus.ServiceDefaults.Security;
using Nexus.ServiceDefaults.Tests.Infrastructure;

namespace Nexus.ServiceDefaults.Tests.Security;

/// <summary>
/// Certificates renewed while the processes run: the service (serving, requiring client certificates) and the gateway's
/// side (a client presenting its certificate) both read their files from folders laid out as a Kubernetes Secret volume
/// is, and a renewal swaps them as the kubelet does. The next connection uses the new pair on both sides.
/// </summary>
public sealed class MtlsRenewalTests : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);
    private readonly string _folder = Directory.CreateTempSubdirectory("nexus-mtls-renewal-").FullName;
    private readonly LocalCertificateAuthority _authority = LocalCertificateAuthority.Create("Nexus test CA", Lifetime);
    private int _generation;

    [Fact]
    public async Task RenewedCertificates_AreUsedByTheNextConnectionOnBothSides_WithoutARestart()
    {
        var serviceFiles = SecretVolume("speech");
        var gatewayFiles = SecretVolume("gateway");
        var serviceFirst = Publish(serviceFiles, _authority, "speech");
        var gatewayFirst = Publish(gatewayFiles, _authority, "gateway");
        await using var service = await StartServiceAsync(serviceFiles);
        using var gateway = new MtlsCredentials(Options(gatewayFiles));
        var (client, serverCertificates) = GatewayClient(gateway);
        using var _ = client;

        (await ClientCertificateSeenAsync(client, service)).ShouldBe(gatewayFirst);
        serverCertificates.Last().ShouldBe(serviceFirst);

        var serviceRenewed = Publish(serviceFiles, _authority, "speech");
        var gatewayRenewed = Publish(gatewayFiles, _authority, "gateway");

        (await ClientCertificateSeenAsync(client, service)).ShouldBe(gatewayRenewed, "the gateway's handler presents the renewed certificate on its next connection");
        serverCertificates.Last().ShouldBe(serviceRenewed, "the service serves the renewed certificate to a new connection");
        serviceRenewed.ShouldNotBe(serviceFirst);
    }

    [Fact]
    public async Task ReplacedAuthority_IsTrustedByBothSidesOnceTheFilesAreRewrittenInPlace()
    {
        var serviceFiles = _authority.IssueFiles(Path.Combine(_folder, "speech"), "speech", ["localhost", "127.0.0.1"], Lifetime);
        var gatewayFiles = _authority.IssueFiles(Path.Combine(_folder, "gateway"), "gateway", ["gateway"], Lifetime);
        await using var service = await StartServiceAsync(serviceFiles);
        using var gateway = new MtlsCredentials(Options(gatewayFiles));
        var (client, _) = GatewayClient(gateway);
        using var __ = client;
        (await ClientCertificateSeenAsync(client, service)).ShouldNotBeNull();

        using var next = LocalCertificateAuthority.Create("Nexus test CA 2", Lifetime);
        next.IssueFiles(Path.Combine(_folder, "speech"), "speech", ["localhost", "127.0.0.1"], Lifetime);
        next.IssueFiles(Path.Combine(_folder, "gateway"), "gateway", ["gateway"], Lifetime);

        // Neither side would accept the other's certificate from the new CA while it still trusted only the old one.
        (await ClientCertificateSeenAsync(client, service)).ShouldBe(gateway.Certificate!.Thumbprint);
        gateway.IsIssuedByAuthority(gateway.Certificate, MtlsCredentials.ClientAuthentication).ShouldBeTrue();
    }

    /// <summary>The layout of a Secret volume: the keys are links through <c>..data</c> to a folder of the current version.</summary>
    private MtlsFiles SecretVolume(string name)
    {
        var volume = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
        foreach (var key in new[] { "ca.crt", "tls.crt", "tls.key" }) File.CreateSymbolicLink(Path.Combine(volume, key), Path.Combine("..data", key));
        return new MtlsFiles(Path.Combine(volume, "ca.crt"), Path.Combine(volume, "tls.crt"), Path.Combine(volume, "tls.key"));
    }

    /// <summary>Issues a new pair into a new version folder and swaps <c>..data</c> to it in one rename, as the kubelet does;
    /// returns the new certificate's thumbprint.</summary>
    private string Publish(MtlsFiles files, LocalCertificateAuthority authority, string name)
    {
        var volume = Path.GetDirectoryName(files.CertificatePath)!;
        var version = Directory.CreateDirectory(Path.Combine(volume, $"..version{++_generation}")).FullName;
        authority.WriteCertificatePem(Path.Combine(version, "ca.crt"));
        using var certificate = authority.Issue(name, [name, "localhost", "127.0.0.1"], Lifetime);
        LocalCertificateAuthority.WritePem(certificate, Path.Combine(version, "tls.crt"), Path.Combine(version, "tls.key"));
        var link = Path.Combine(volume, "..data_tmp");
        Directory.CreateSymbolicLink(link, Path.GetFileName(version));
        if (Rename(link, Path.Combine(volume, "..data")) != 0) throw new IOException($"rename failed: {Marshal.GetLastWin32Error()}");
        return certificate.Thumbprint;
    }

    // rename(2) replaces the link in one step; File.Move and Directory.Move refuse to replace a link to a directory.
#pragma warning disable SYSLIB1054, CA5392 // LibraryImport needs unsafe code in this project; libc is the system's.
    [DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([MarshalAs(UnmanagedType.LPUTF8Str)] string from, [MarshalAs(UnmanagedType.LPUTF8Str)] string to);
#pragma warning restore SYSLIB1054, CA5392

    private static async Task<EchoService> StartServiceAsync(MtlsFiles files)
    {
        var settings = new Dictionary<string, string?>(files.Settings()) { ["Nexus:Registry:Enabled"] = "false" };
        return await EchoService.StartAsync(
            settings,
            builder => builder.WebHost.UseUrls("https://127.0.0.1:0", "http://127.0.0.1:0"),
            app => app.MapGet("/v1/client-certificate", (HttpContext context) => context.Connection.ClientCertificate?.Thumbprint));
    }

    /// <summary>A client as the gateway's forwarder makes it (its handler's TLS options from the credentials), recording the
    /// server certificate of every handshake.</summary>
    private static (HttpClient Client, ConcurrentQueue<string> ServerCertificates) GatewayClient(MtlsCredentials gateway)
    {
        var seen = new ConcurrentQueue<string>();
        var tls = gateway.ClientOptions();
        var validate = tls.RemoteCertificateValidationCallback!;
        tls.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            seen.Enqueue(certificate!.GetCertHashString());
            return validate(sender, certificate, chain, errors);
        };
        return (new HttpClient(new SocketsHttpHandler { SslOptions = tls }), seen);
    }

    /// <summary>The thumbprint of the client certificate the service saw, on a connection closed after the answer, so the
    /// next call opens a new one.</summary>
    private static async Task<string?> ClientCertificateSeenAsync(HttpClient client, EchoService service)
    {
        var https = service.App.Urls.Single(url => url.StartsWith("https:", StringComparison.Ordinal));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{https}/v1/client-certificate");
        request.Headers.ConnectionClose = true;
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static MtlsOptions Options(MtlsFiles files) =>
        new() { CaCertificatePath = files.CaCertificatePath, CertificatePath = files.CertificatePath, KeyPath = files.KeyPath };

    public void Dispose()
    {
        _authority.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
