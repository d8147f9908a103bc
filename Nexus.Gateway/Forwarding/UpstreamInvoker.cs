using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Security;
using Nexus.ServiceDefaults.Security;
using Yarp.ReverseProxy.Forwarder;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// The one HTTP client to every upstream, configured as YARP recommends (no proxy, no redirects, no decompression), whose
/// every new connection goes only where the address policy allows at that moment: an instance's name that resolves
/// elsewhere after registration (DNS rebinding) cannot reach a metadata address or the gateway itself.
/// </summary>
internal sealed class UpstreamInvoker(IOptions<GatewayOptions> options, UpstreamAddressPolicy policy, MtlsCredentials mtls) : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = Create(options.Value, policy, mtls);

    public void Dispose() => Invoker.Dispose();

    private static HttpMessageInvoker Create(GatewayOptions options, UpstreamAddressPolicy policy, MtlsCredentials mtls)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectCallback = policy.ConnectAsync,
            // With internal mTLS: the gateway's certificate, and the local CA trusted for the services' (Nexus:Mtls).
            SslOptions = mtls.ClientOptions(),
        };

        // The HttpClient starts a child activity for every upstream call whenever the request has one, to propagate
        // it. That span is only worth its cost when something records it (the telemetry defaults listen to
        // System.Net.Http only when traces are exported); otherwise the gateway propagates its own context itself.
        if (HttpClientSpansRecorded())
        {
            handler.ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current);
            return new HttpMessageInvoker(handler, disposeHandler: true);
        }

        handler.ActivityHeadersPropagator = null;
        return new HttpMessageInvoker(new TraceContextHandler(handler), disposeHandler: true);
    }

    /// <summary>
    /// Whether a listener subscribes to the HttpClient's source. Asked once: the telemetry SDK subscribes while the
    /// host is built, before this client exists.
    /// </summary>
    private static bool HttpClientSpansRecorded()
    {
        using var source = new ActivitySource("System.Net.Http");
        return source.HasListeners();
    }
}
