using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Nexus.Gateway.Forwarding;

/// <summary>The one HTTP client to every upstream, configured as YARP recommends (no proxy, no redirects, no decompression).</summary>
internal sealed class UpstreamInvoker(IOptions<GatewayOptions> options) : IDisposable
{
    public HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = options.Value.ConnectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    }, disposeHandler: true);

    public void Dispose() => Invoker.Dispose();
}
