using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nexus.Contract;
using Nexus.Gateway.Apis.Files;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Security;
using Nexus.Gateway.Usage;
using Yarp.ReverseProxy.Forwarder;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// Per attempt: never passes the client's gateway key upstream, maps <c>/v1/services/{service}/x</c> onto the
/// instance's <c>/x</c>, tells a registered instance the caller's tenant (never a value the client sent), withholds a
/// retryable 503, drops the instance's <c>Server</c> header, and reads usage from the answer while it streams through.
/// </summary>
internal sealed class ProxyTransformer(Upstream upstream, string? pathOverride, AttemptState state) : HttpTransformer
{
    /// <summary>The authenticated caller's tenant id, as the gateway forwards it to registered instances.</summary>
    public const string TenantHeader = "X-Nexus-Tenant";

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (!upstream.FromRegistry) proxyRequest.Options.Set(UpstreamAddressPolicy.StaticUpstream, true);
        proxyRequest.Headers.Authorization = upstream.ApiKey is { } apiKey ? new AuthenticationHeaderValue("Bearer", apiKey) : null;
        proxyRequest.Headers.Remove(ContractHeaders.RequestId);
        proxyRequest.Headers.TryAddWithoutValidation(ContractHeaders.RequestId, httpContext.TraceIdentifier);
        // Services that keep data per tenant (knowledge collections) scope it by this header, so only the gateway sets it,
        // and only for Nexus services: a static route's third-party upstream has no use for it.
        proxyRequest.Headers.Remove(TenantHeader);
        if (upstream.FromRegistry && httpContext.Features.Get<GatewayRequestFeature>()?.Caller is { } caller) proxyRequest.Headers.TryAddWithoutValidation(TenantHeader, caller.Tenant.Id);
        if (pathOverride is not null)
        {
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, new PathString(pathOverride), httpContext.Request.QueryString);
        }
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is null) return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        state.HeadersReceivedAt = Stopwatch.GetTimestamp();
        state.Timing.HeadersReceived(state.SentAt, state.HeadersReceivedAt);
        // What software the instance runs is the instance's business, not the client's.
        proxyResponse.Headers.Server.Clear();
        if (proxyResponse.StatusCode == HttpStatusCode.ServiceUnavailable && state.CanRetry)
        {
            state.RetryOn503 = true;
            return ValueTask.FromResult(false);
        }

        var mediaType = proxyResponse.Content.Headers.ContentType?.MediaType;
        if (state.OpenAIErrors && (int)proxyResponse.StatusCode >= 400 && proxyResponse.Content.Headers.ContentEncoding.Count == 0
            && string.Equals(mediaType, "application/problem+json", StringComparison.OrdinalIgnoreCase))
        {
            return AsOpenAIErrorAsync(httpContext, proxyResponse, cancellationToken);
        }

        // Usage is read from the decoded answer; the client gets the coding it asked for. A coding the gateway cannot
        // decode passes through unread.
        var coding = ContentCodings.Of(proxyResponse.Content.Headers);
        if (state.ImageLinks is not null && proxyResponse.StatusCode == HttpStatusCode.OK && coding is not null
            && string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase)
            && proxyResponse.Content.Headers.ContentLength is null or <= ImageLinks.MaxAnswerBytes)
        {
            return WithImageLinksAsync(httpContext, proxyResponse, coding, state.ImageLinks, cancellationToken);
        }

        if (coding is not null && string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            state.Streamed = true;
            // Tells nginx and similar proxies in front of the gateway not to buffer the stream either.
            httpContext.Response.Headers["X-Accel-Buffering"] = "no";
            proxyResponse.Content = coding.Length == 0
                ? new ObservedContent(proxyResponse.Content, s => new SseUsageStream(s, state.Meter, state.StripUsage, endsWithDone: state.OpenAIErrors), keepLength: false)
                : new ObservedContent(proxyResponse.Content, s => new CodedStream(new SseUsageStream(ContentCodings.Decoder(s, coding), state.Meter, state.StripUsage, endsWithDone: state.OpenAIErrors), coding), keepLength: false);
        }
        else if (coding is not null && string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            proxyResponse.Content = new ObservedContent(proxyResponse.Content, s => new JsonUsageStream(s, state.Meter, coding), keepLength: true);
        }
        else if (mediaType is not null && (mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) || proxyResponse.Headers.TransferEncodingChunked == true))
        {
            httpContext.Response.Headers["X-Accel-Buffering"] = "no";
        }

        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    /// <summary>An images answer with the instance's file URLs as the gateway's links, sent uncoded; its usage, if any, is read as for any JSON answer.</summary>
    private async ValueTask<bool> WithImageLinksAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, string coding, ImageLinks links, CancellationToken cancellationToken)
    {
        byte[] body;
        await using (var read = await proxyResponse.Content.ReadAsStreamAsync(cancellationToken))
        await using (var decoded = coding.Length == 0 ? read : ContentCodings.Decoder(read, coding))
        using (var buffer = new MemoryStream())
        {
            await decoded.CopyToAsync(buffer, cancellationToken);
            body = buffer.ToArray();
        }

        try
        {
            state.Meter.Observe(body);
        }
        catch (JsonException)
        {
            // Not JSON after all: nothing to bill from it, and the client gets it as it came.
        }

        var rewritten = links.Rewrite(body, upstream, httpContext.Request) ?? body;
        var contentType = proxyResponse.Content.Headers.ContentType;
        proxyResponse.Content.Dispose();
        proxyResponse.Content = new ByteArrayContent(rewritten) { Headers = { ContentType = contentType } };
        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    private async ValueTask<bool> AsOpenAIErrorAsync(HttpContext httpContext, HttpResponseMessage proxyResponse, CancellationToken cancellationToken)
    {
        var envelope = await ProblemEnvelope.FromAsync(proxyResponse.Content, (int)proxyResponse.StatusCode, cancellationToken);
        proxyResponse.Content.Dispose();
        proxyResponse.Content = new ByteArrayContent(envelope) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
