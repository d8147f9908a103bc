using Microsoft.Extensions.Options;
using Nexus.Gateway.Caching;
using Nexus.Gateway.Routing;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Response cache: for a caller whose policy asks for it and a deterministic request (embeddings; chat and completions
/// at temperature 0, not streamed), answers from the cache (<c>x-nexus-cache: hit</c>: no upstream call, no tokens
/// metered, so the reservation is given back in full) or forwards and keeps a complete 200 JSON answer
/// (<c>x-nexus-cache: miss</c>). Every other request passes straight through.
/// </summary>
internal sealed class ResponseCacheStep(RequestDelegate next, IResponseCache cache, CacheMetrics metrics, IOptions<CachingOptions> options, TimeProvider time)
{
    public const string Header = "x-nexus-cache";

    public Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        // Only the OpenAI routes: a service function's answer is the service's own business.
        if (feature.Service is not null || feature.Request is not { Model: { } model } request
            || ResponseCacheKey.TimeToLive(feature.Caller!, options.Value) is not { } ttl || !ResponseCacheKey.IsDeterministic(feature.Endpoint, request))
        {
            return next(context);
        }

        var (labels, _) = RouteSelector.For(feature.Caller!, context.Request.Headers); // read (and validated) when the route resolved
        var key = ResponseCacheKey.For(feature.Caller!, feature.Endpoint, model, labels is null ? null : RouteSelector.Describe(labels), request.Body);
        return CachedAsync(context, feature, key, ttl);
    }

    private async Task CachedAsync(HttpContext context, GatewayRequestFeature feature, string key, TimeSpan ttl)
    {
        if (await cache.GetAsync(key, context.RequestAborted) is { } hit)
        {
            metrics.Hit();
            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = hit.ContentType;
            response.ContentLength = hit.Body.Length;
            response.Headers[Header] = "hit";
            await response.Body.WriteAsync(hit.Body, context.RequestAborted);
            return;
        }

        metrics.Miss();
        context.Response.Headers[Header] = "miss";
        var body = context.Response.Body;
        using var capture = new CaptureStream(body, options.Value.MaxEntryBytes);
        context.Response.Body = capture;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        // Only a whole, plain 200 JSON answer: not an error, not one cut off or abandoned, not one in the coding a client asked for.
        if (feature.Result is { Status: StatusCodes.Status200OK, ClientAborted: false, Meter.CutOff: false } && capture.Captured is { } copy
            && context.Response.Headers.ContentEncoding.Count == 0 && context.Response.ContentType is { } type
            && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            if (await cache.SetAsync(key, new CachedResponse(type, copy.ToArray(), time.GetUtcNow() + ttl), ttl)) metrics.Stored();
        }
    }
}
