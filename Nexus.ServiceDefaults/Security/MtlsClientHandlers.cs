using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Nexus.ServiceDefaults.Security;

/// <summary>
/// Every HttpClient from the factory presents this process's certificate and trusts the local CA beside the machine's
/// roots, so one service calling another (knowledge embedding with inference) passes the other's handshake.
/// </summary>
/// <remarks>A post-configuration, so it also reaches a named client whose own primary handler replaced the default.</remarks>
internal sealed class MtlsClientHandlers(MtlsCredentials credentials) : IPostConfigureOptions<HttpClientFactoryOptions>
{
    public void PostConfigure(string? name, HttpClientFactoryOptions options)
    {
        if (!credentials.Enabled) return;
        options.HttpMessageHandlerBuilderActions.Add(builder =>
        {
            switch (builder.PrimaryHandler)
            {
                case SocketsHttpHandler sockets:
                    sockets.SslOptions = credentials.ClientOptions();
                    break;
                case HttpClientHandler client:
                    // This handler takes certificates, not a selection callback: the one current when the factory made
                    // it, until the factory replaces it (HandlerLifetime, two minutes by default).
                    var tls = credentials.ClientOptions();
                    client.ClientCertificateOptions = ClientCertificateOption.Manual;
                    client.ClientCertificates.Add(credentials.Certificate!);
                    client.ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
                        tls.RemoteCertificateValidationCallback!(request, certificate, chain, errors);
                    break;
            }
        });
    }
}
