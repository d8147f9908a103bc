using System.Globalization;
using Nexus.Gateway.Apis.Errors;

namespace Nexus.Gateway.Keys;

/// <summary>
/// Refuses requests that present a credential from an address <see cref="AuthThrottle"/> blocks (429 and
/// <c>Retry-After</c>), and counts the 401s of the admin and registry APIs; the OpenAI routes count their own failures
/// where they authenticate, so the proxied path pays for no wrapper.
/// </summary>
internal sealed class AuthThrottleMiddleware(RequestDelegate next, AuthThrottle throttle, IProblemDetailsService problems)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count == 0) return next(context);
        var address = context.Connection.RemoteIpAddress;
        if (throttle.IsBlocked(address, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return ErrorAnswer.WriteAsync(context, problems, StatusCodes.Status429TooManyRequests, "Too many failed authentication attempts from this address; retry later.", "too_many_failed_authentications");
        }

        var path = context.Request.Path;
        return path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/v1/registry", StringComparison.OrdinalIgnoreCase)
            ? CountingAsync(context)
            : next(context);
    }

    private async Task CountingAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status401Unauthorized) throttle.Failed(context.Connection.RemoteIpAddress);
    }
}

/// <summary>
/// Puts the throttle in front of routing, behind the client address of trusted proxies (<see cref="AuthThrottleProxies"/>)
/// when some are configured, so every step after it (the throttle's counts, MCP's callers) sees the client's address.
/// </summary>
internal sealed class AuthThrottleStartupFilter(IConfiguration configuration) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (AuthThrottleProxies.Read(configuration) is { } forwarded) app.UseForwardedHeaders(forwarded);
        app.UseMiddleware<AuthThrottleMiddleware>();
        next(app);
    };
}
