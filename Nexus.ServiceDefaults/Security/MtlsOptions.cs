namespace Nexus.ServiceDefaults;

/// <summary>
/// Internal mutual TLS (<c>Nexus:Mtls</c>), off unless the three paths are set: PEM files of the local CA, of this
/// process's certificate and of its private key. A service then serves its https endpoints only to clients whose
/// certificate the CA issued, and its HTTP clients present its own certificate.
/// </summary>
public sealed class MtlsOptions
{
    /// <summary>The CA certificate (PEM) that issued every internal certificate; the only root trusted for them.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>This process's certificate (PEM), issued by the CA, for TLS server and client authentication.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The certificate's private key (PEM, PKCS#8 or the algorithm's own format).</summary>
    public string? KeyPath { get; set; }

    /// <summary>
    /// Whether this process's https endpoints require a client certificate from the CA and its plain HTTP endpoints
    /// serve only <c>/health</c> and <c>/alive</c>. True for a service; the gateway, whose public endpoint stays as it
    /// is, turns it off and uses its certificate as a client only.
    /// </summary>
    public bool RequireClientCertificates { get; set; } = true;

    /// <summary>Whether mTLS is configured at all.</summary>
    public bool Enabled => CaCertificatePath is not null || CertificatePath is not null || KeyPath is not null;
}
