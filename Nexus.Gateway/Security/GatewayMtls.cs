using Nexus.ServiceDefaults;
using Nexus.ServiceDefaults.Security;

namespace Nexus.Gateway.Security;

/// <summary>
/// The gateway's side of internal mTLS (<c>Nexus:Mtls</c>, shared with the services): it presents its certificate to the
/// services it forwards to, probes and describes, and checks theirs against the local CA. Its own endpoints stay as they
/// are: clients reach the gateway with API keys, not certificates.
/// </summary>
internal static class GatewayMtls
{
    public static IServiceCollection AddGatewayMtls(this IServiceCollection services)
    {
        // ServiceDefaults would make the gateway's https endpoints demand client certificates and its plain ones serve
        // health only; the gateway uses its certificate as a client only. Its registry client gets it from the HttpClient
        // set-up AddNexusMtls adds (as AddServiceDefaults does); the forwarder's handler, made by hand, from UpstreamInvoker.
        services.PostConfigure<NexusServiceOptions>(options => options.Mtls.RequireClientCertificates = false);
        services.AddNexusMtls();
        return services;
    }
}
