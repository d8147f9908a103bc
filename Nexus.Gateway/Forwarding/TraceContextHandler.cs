using System.Diagnostics;
using Yarp.ReverseProxy.Forwarder;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// Writes the current trace context (<c>traceparent</c>, <c>tracestate</c>, <c>baggage</c>) onto a request to an
/// upstream, replacing whatever the client sent, as the HttpClient's own propagation does, but without the child
/// activity and redacted URL the HttpClient creates for it: used when no one records HttpClient spans.
/// </summary>
internal sealed class TraceContextHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    // Removes the client's trace headers before injecting, so an upstream never sees two traceparent values.
    private static readonly ReverseProxyPropagator Propagator = new(DistributedContextPropagator.Current);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Without a current activity the client's headers pass through untouched, as they would through the HttpClient.
        if (Activity.Current is { } activity)
        {
            Propagator.Inject(activity, request, static (carrier, name, value) =>
                ((HttpRequestMessage)carrier!).Headers.TryAddWithoutValidation(name, value));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
