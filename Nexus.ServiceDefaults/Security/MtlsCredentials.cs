using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Security;

/// <summary>
/// The local CA and this process's certificate, and the one trust decision both sides make. The files are read at start
/// and again whenever one of them changes (cert-manager renews the Secret's files in place): every TLS handshake, served
/// or dialled, asks for the current pair, so a new connection uses the renewed certificate without a restart.
/// </summary>
internal sealed partial class MtlsCredentials : IDisposable
{
    public static Oid ServerAuthentication => LocalCertificateAuthority.ServerAuthentication;

    public static Oid ClientAuthentication => LocalCertificateAuthority.ClientAuthentication;

    private readonly MtlsOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _reload = new();
    private volatile Loaded? _current;
    private FilesStamp? _failed;

    public MtlsCredentials(IOptions<NexusServiceOptions> options, ILogger<MtlsCredentials> logger)
        : this(options.Value.Mtls, logger)
    {
    }

    public MtlsCredentials(MtlsOptions options, ILogger? logger = null)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        RequireClientCertificates = options.RequireClientCertificates;
        // Unreadable files at start stop the start; later, a bad renewal keeps the pair in use (ReloadIfChanged).
        if (options.Enabled) _current = Load(Stamp());
    }

    /// <summary>The CA certificates trusted for internal certificates (every certificate of the CA file, so a bundle of
    /// the old and the new CA trusts both while a CA is replaced), null when mTLS is off.</summary>
    public X509Certificate2Collection? Authorities => Current()?.Authorities;

    /// <summary>This process's current certificate with its key, null when mTLS is off.</summary>
    public X509Certificate2? Certificate => Current()?.Certificate;

    public bool RequireClientCertificates { get; }

    public bool Enabled => _current is not null;

    /// <summary>Whether this process serves its https endpoints with mutual TLS (a service, not the gateway).</summary>
    public bool ServesMutualTls => Enabled && RequireClientCertificates;

    /// <summary>
    /// Whether <paramref name="certificate"/> chains to the local CA, and to it alone (a custom trust store: the machine's
    /// roots are not asked), and may be used for <paramref name="usage"/>.
    /// </summary>
    public bool IsIssuedByAuthority(X509Certificate2 certificate, Oid usage)
    {
        if (Authorities is not { } authorities) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A local CA publishes no revocation list; a leaf is replaced by issuing a new CA, not by revoking it.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        return chain.Build(certificate);
    }

    /// <summary>
    /// TLS for this process's outgoing connections: it presents its current certificate (chosen at each handshake, so a
    /// handler made before a renewal presents the renewed one on its next connection), and accepts a server certificate
    /// the local CA issued for the host it dialled, or one the machine trusts (an external https upstream).
    /// </summary>
    public SslClientAuthenticationOptions ClientOptions()
    {
        if (!Enabled) return new SslClientAuthenticationOptions();
        return new SslClientAuthenticationOptions
        {
            LocalCertificateSelectionCallback = (_, _, _, _, _) => Certificate!,
            RemoteCertificateValidationCallback = IsTrustedServer,
        };
    }

    private bool IsTrustedServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        // Only the chain may fail the machine's check (the local CA is not in its store); a wrong name or none never passes.
        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None) return false;
        return certificate is X509Certificate2 server && IsIssuedByAuthority(server, ServerAuthentication);
    }

    /// <summary>The loaded pair, first reloaded when a file's size or time changed since it was read. Three stat calls per
    /// handshake, no timer and no watcher: a Secret volume swaps its files by repointing a symbolic link, which a watcher
    /// of the files misses.</summary>
    private Loaded? Current()
    {
        var current = _current;
        if (current is null) return null;
        var stamp = Stamp();
        if (stamp == current.Stamp) return current;
        lock (_reload)
        {
            if (_current!.Stamp == stamp || _failed == stamp) return _current;
            try
            {
                // The replaced pair is not disposed: a handshake may still hold it; the finalizer frees it.
                _current = Load(stamp);
                LogReloaded(_logger, _current.Certificate.Subject, _current.Certificate.NotAfter);
            }
            catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                // Half-written files (the certificate renewed, the key not yet): keep the pair in use, read again once they change.
                _failed = stamp;
                LogReloadFailed(_logger, exception);
            }

            return _current;
        }
    }

    private Loaded Load(FilesStamp stamp)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPem(File.ReadAllText(_options.CaCertificatePath!));
        if (authorities.Count == 0) throw new CryptographicException($"{_options.CaCertificatePath} holds no certificate.");
        using var pem = X509Certificate2.CreateFromPemFile(_options.CertificatePath!, _options.KeyPath);
        // Through PKCS#12: a key loaded from PEM is ephemeral, which SslStream cannot use on Windows.
        return new Loaded(authorities, X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null), stamp);
    }

    private FilesStamp Stamp() => new(Of(_options.CaCertificatePath), Of(_options.CertificatePath), Of(_options.KeyPath));

    private static (long, DateTime) Of(string? path)
    {
        // A link's own size and time never change when its target does: stat what it finally points to.
        var file = File.ResolveLinkTarget(path!, returnFinalTarget: true) ?? new FileInfo(path!);
        return file is FileInfo { Exists: true } target ? (target.Length, target.LastWriteTimeUtc) : (-1, default);
    }

    public void Dispose()
    {
        if (_current is not { } current) return;
        foreach (var authority in current.Authorities) authority.Dispose();
        current.Certificate.Dispose();
    }

    private sealed record Loaded(X509Certificate2Collection Authorities, X509Certificate2 Certificate, FilesStamp Stamp);

    /// <summary>Size and last write time of the CA, certificate and key files.</summary>
    private sealed record FilesStamp((long, DateTime) Authority, (long, DateTime) Certificate, (long, DateTime) Key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Internal mTLS: loaded the renewed certificate {Subject}, valid until {NotAfter:O}")]
    private static partial void LogReloaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Internal mTLS: the changed certificate files cannot be read yet; the certificate in use stays until they change again")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
