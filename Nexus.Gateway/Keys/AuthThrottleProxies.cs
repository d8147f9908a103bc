using Nexus.ServiceDefaults.Http;

namespace Nexus.Gateway.Keys;

/// <summary>
/// The peers the gateway believes about the client's address (<c>Nexus:Gateway:TrustedProxies</c>, read by
/// <see cref="TrustedProxies"/>): the UI and any reverse proxy in front of the gateway. From them, the last address of
/// <c>X-Forwarded-For</c> becomes the connection's remote address, so the failed-authentication throttle counts one
/// person's wrong keys against that person's address, not against everyone behind the same UI. From any other peer the
/// header is ignored, so a guesser cannot dodge the throttle by inventing addresses. Unset (the default): no peer is
/// trusted.
/// </summary>
internal static class AuthThrottleProxies
{
    public const string SectionName = "Nexus:Gateway:TrustedProxies";

    /// <summary>The forwarded-headers settings for the configured proxies, or null when none is configured.</summary>
    public static ForwardedHeadersOptions? Read(IConfiguration configuration) => TrustedProxies.Read(configuration, SectionName);
}
