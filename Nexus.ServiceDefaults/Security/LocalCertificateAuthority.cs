using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nexus.ServiceDefaults.Security;

/// <summary>
/// A certificate authority for one deployment's internal traffic, made with <see cref="CertificateRequest"/> alone (no
/// openssl): a self-signed CA and, from it, one certificate per process with its names, written as the PEM files that
/// <c>Nexus:Mtls</c> reads. ECDSA P-256 keys: quick to make, and every TLS stack accepts them.
/// </summary>
/// <remarks>Self-contained: the AppHost compiles this file too, to issue the files without referencing ServiceDefaults.</remarks>
public sealed class LocalCertificateAuthority : IDisposable
{
    /// <summary>The extended key usages every issued certificate carries: TLS server and client authentication.</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private LocalCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA, valid for <paramref name="lifetime"/> from now.</summary>
    public static LocalCertificateAuthority Create(string commonName, TimeSpan lifetime, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        // A CA that may sign leaves only (path length 0), not further CAs.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return new LocalCertificateAuthority(request.CreateSelfSigned(now - ClockSkew, now + lifetime));
    }

    /// <summary>
    /// A certificate for <paramref name="commonName"/>, valid for TLS server and client authentication under each of
    /// <paramref name="names"/> (host names or IP addresses), expiring no later than the CA.
    /// </summary>
    public X509Certificate2 Issue(string commonName, IEnumerable<string> names, TimeSpan lifetime, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        var now = (time ?? TimeProvider.System).GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var alternativeNames = new SubjectAlternativeNameBuilder();
        foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(name, out var address)) alternativeNames.AddIpAddress(address);
            else alternativeNames.AddDnsName(name);
        }

        request.CertificateExtensions.Add(alternativeNames.Build());

        var notAfter = now + lifetime < Certificate.NotAfter ? now + lifetime : new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        using var issued = request.Create(Certificate, now - ClockSkew, notAfter, RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// Issues a certificate for <paramref name="commonName"/> and writes it, its key and the CA's certificate into
    /// <paramref name="folder"/> as <c>ca.crt</c>, <c>{commonName}.crt</c> and <c>{commonName}.key</c>: the three
    /// <c>Nexus:Mtls</c> paths of one process.
    /// </summary>
    public MtlsFiles IssueFiles(string folder, string commonName, IEnumerable<string> names, TimeSpan lifetime)
    {
        Directory.CreateDirectory(folder);
        var files = new MtlsFiles(Path.Combine(folder, "ca.crt"), Path.Combine(folder, $"{commonName}.crt"), Path.Combine(folder, $"{commonName}.key"));
        WriteCertificatePem(files.CaCertificatePath);
        using var certificate = Issue(commonName, names, lifetime);
        WritePem(certificate, files.CertificatePath, files.KeyPath);
        return files;
    }

    /// <summary>Writes the CA's certificate (never its key) to <paramref name="path"/>.</summary>
    public void WriteCertificatePem(string path) => WriteFile(path, Certificate.ExportCertificatePem());

    /// <summary>Writes an issued certificate and its private key, the key readable by the owner only.</summary>
    public static void WritePem(X509Certificate2 certificate, string certificatePath, string keyPath)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(certificate));
        WriteFile(certificatePath, certificate.ExportCertificatePem());
        WriteFile(keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    private static void WriteFile(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.Write(pem);
        writer.Write('\n');
    }

    public void Dispose() => Certificate.Dispose();
}

/// <summary>The three PEM files of one process's <c>Nexus:Mtls</c> settings.</summary>
public sealed record MtlsFiles(string CaCertificatePath, string CertificatePath, string KeyPath)
{
    /// <summary>As configuration (<c>Nexus:Mtls:*</c>).</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Nexus:Mtls:CaCertificatePath", CaCertificatePath),
        new("Nexus:Mtls:CertificatePath", CertificatePath),
        new("Nexus:Mtls:KeyPath", KeyPath),
    ];
}
