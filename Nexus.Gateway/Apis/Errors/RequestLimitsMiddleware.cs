using Microsoft.AspNetCore.Http.Features;

namespace Nexus.Gateway.Apis.Errors;

/// <summary>
/// The request-line and header limits Kestrel would otherwise enforce itself, with an empty body no OpenAI SDK can
/// read (its own rejections cannot carry a body: https://github.com/aspnet/KestrelHttpServer/issues/2947). Kestrel's
/// limits are raised to a ceiling (<see cref="KestrelCeiling"/>) and these, Kestrel's defaults, are applied here
/// with OpenAI's envelope under <c>/v1/</c> and problem details elsewhere.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    /// <summary>Kestrel's default request-line limit, applied to the request target.</summary>
    public const int MaxRequestTarget = 8 * 1024;

    /// <summary>Kestrel's default limits on the headers, together and in number.</summary>
    public const int MaxHeadersTotal = 32 * 1024;

    public const int MaxHeaderCount = 100;

    /// <summary>What Kestrel itself still refuses (with an empty answer): far beyond any limit above.</summary>
    public static class KestrelCeiling
    {
        public const int RequestLine = 64 * 1024;
        public const int HeadersTotal = 256 * 1024;
        public const int HeaderCount = 1000;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget.Length ?? 0;
        if (target > MaxRequestTarget) return RejectAsync(context, StatusCodes.Status414UriTooLong, $"The request URL is longer than {MaxRequestTarget} bytes.", "uri_too_long");
        var headers = context.Request.Headers;
        if (headers.Count > MaxHeaderCount) return RejectAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The request has more than {MaxHeaderCount} headers.", "headers_too_large");
        if (HeadersSize(headers) > MaxHeadersTotal) return RejectAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, $"The request headers are larger than {MaxHeadersTotal} bytes.", "headers_too_large");
        return next(context);
    }

    private static long HeadersSize(IHeaderDictionary headers)
    {
        long size = 0;
        foreach (var (name, values) in headers)
        {
            size += name.Length + 4; // ": " and the line end, as Kestrel counts them
            foreach (var value in values) size += value?.Length ?? 0;
        }

        return size;
    }

    private Task RejectAsync(HttpContext context, int status, string message, string code) => ErrorAnswer.WriteAsync(context, problems, status, message, code);
}
