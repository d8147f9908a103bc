using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Correlation;

/// <summary>
/// Settles the request id as the request's <see cref="HttpContext.TraceIdentifier"/> the moment the context is
/// created, before ASP.NET Core opens its per-request log scope. That scope's <c>RequestId</c> is then the id
/// the caller sees in <c>X-Request-Id</c>, rather than a second, connection-based id beside it.
/// </summary>
internal sealed class CorrelatingHttpContextFactory(DefaultHttpContextFactory inner) : IHttpContextFactory
{
    public HttpContext Create(IFeatureCollection featureCollection)
    {
        var context = inner.Create(featureCollection);
        context.TraceIdentifier = RequestIds.AcceptOrCreate(context.Request.Headers[ContractHeaders.RequestId]);
        return context;
    }

    public void Dispose(HttpContext httpContext) => inner.Dispose(httpContext);
}
