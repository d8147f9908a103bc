using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Security;

/// <summary>
/// Every https endpoint of a service (from <c>ASPNETCORE_URLS</c>, <c>HTTPS_PORTS</c> or configuration) serves the
/// certificate the local CA issued and completes the handshake only with a client whose certificate the CA issued. Both
/// are asked of <see cref="MtlsCredentials"/> at each handshake, so renewed files apply to the next connection.
/// </summary>
internal sealed class MtlsKestrelSetup(MtlsCredentials credentials) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        if (!credentials.ServesMutualTls) return;
        options.ConfigureHttpsDefaults(https =>
        {
            https.ServerCertificateSelector = (_, _) => credentials.Certificate;
            https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            https.CheckCertificateRevocation = false;
            // The errors SslStream reports come from the machine's trust store, which does not hold the local CA: the
            // verdict is the chain built against the CA alone.
            https.ClientCertificateValidation = (certificate, _, _) => credentials.IsIssuedByAuthority(certificate, MtlsCredentials.ClientAuthentication);
        });
    }
}
