using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Apis.Errors;

/// <summary>Raises Kestrel's request-line and header limits to their ceiling, so the gateway answers within them itself; no <c>Server</c> header.</summary>
internal sealed class KestrelCeilingSetup : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        options.Limits.MaxRequestLineSize = RequestLimitsMiddleware.KestrelCeiling.RequestLine;
        options.Limits.MaxRequestHeadersTotalSize = RequestLimitsMiddleware.KestrelCeiling.HeadersTotal;
        options.Limits.MaxRequestHeaderCount = RequestLimitsMiddleware.KestrelCeiling.HeaderCount;
        // Nor does the gateway tell clients what server software it runs.
        options.AddServerHeader = false;
    }
}

/// <summary>Puts the request limits in front of routing, after the service defaults' correlation and error handling.</summary>
internal sealed class RequestLimitsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestLimitsMiddleware>();
        next(app);
    };
}
