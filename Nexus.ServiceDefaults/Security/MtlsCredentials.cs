using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Security;

/// <summary>The local CA and this process's certificate, loaded once, and the one trust decision both sides make.</summary>
internal sealed class MtlsCredentials : IDisposable
{
    public static Oid ServerAuthentication => LocalCertificateAuthority.ServerAuthentication;

    public static Oid ClientAuthentication => LocalCertificateAuthority.ClientAuthentication;

    public MtlsCredentials(IOptions<NexusServiceOptions> options)
        : this(options.Value.Mtls)
    {
    }

    public MtlsCredentials(MtlsOptions options)
    {
        RequireClientCertificates = options.RequireClientCertificates;
        if (!options.Enabled) return;
        Authority = X509Certificate2.CreateFromPem(File.ReadAllText(options.CaCertificatePath!));
        using var pem = X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath);
        // Through PKCS#12: a key loaded from PEM is ephemeral, which SslStream cannot use on Windows.
        Certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>The CA, null when mTLS is off.</summary>
    public X509Certificate2? Authority { get; }

    /// <summary>This process's certificate with its key, null when mTLS is off.</summary>
    public X509Certificate2? Certificate { get; }

    public bool RequireClientCertificates { get; }

    public bool Enabled => Certificate is not null;

    /// <summary>Whether this process serves its https endpoints with mutual TLS (a service, not the gateway).</summary>
    public bool ServesMutualTls => Enabled && RequireClientCertificates;

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to the local CA, and to it alone (a custom trust store: the machine's
    /// roots are not asked), and may be used for <paramref name="usage"/>.
    /// </summary>
    public bool IsIssuedByAuthority(X509Certificate2 certificate, Oid usage)
    {
        if (Authority is null) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        // A local CA publishes no revocation list; a leaf is replaced by issuing a new CA, not by revoking it.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        return chain.Build(certificate);
    }

    /// <summary>
    /// TLS for this process's outgoing connections: it presents its certificate, and accepts a server certificate the
    /// local CA issued for the host it dialled, or one the machine trusts (an external https upstream).
    /// </summary>
    public SslClientAuthenticationOptions ClientOptions()
    {
        if (!Enabled) return new SslClientAuthenticationOptions();
        return new SslClientAuthenticationOptions
        {
            ClientCertificates = [Certificate!],
            RemoteCertificateValidationCallback = IsTrustedServer,
        };
    }

    private bool IsTrustedServer(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        // Only the chain may fail the machine's check (the local CA is not in its store); a wrong name or none never passes.
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        return certificate is X509Certificate2 server && IsIssuedByAuthority(server, ServerAuthentication);
    }

    public void Dispose()
    {
        Authority?.Dispose();
        Certificate?.Dispose();
    }
}
