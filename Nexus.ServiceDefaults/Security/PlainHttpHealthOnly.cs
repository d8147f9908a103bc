using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Security;

/// <summary>
/// With mTLS on, a plain HTTP endpoint serves only <c>/health</c> and <c>/alive</c>: the orchestrator's probes (the
/// AppHost's health check, the kubelet) cannot present a client certificate, and nothing else may bypass the handshake.
/// </summary>
internal sealed class PlainHttpHealthOnly(MtlsCredentials credentials) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (credentials.ServesMutualTls) app.Use(RefusePlainHttp);
        next(app);
    };

    private static Task RefusePlainHttp(HttpContext context, RequestDelegate next)
    {
        if (context.Request.IsHttps || context.Request.Path == ContractPaths.Health || context.Request.Path == ContractPaths.Alive) return next(context);
        return Results.Problem(
            statusCode: StatusCodes.Status403Forbidden,
            title: "Mutual TLS required",
            detail: "This service accepts requests only over https with a client certificate from its CA; plain HTTP serves /health and /alive only.")
            .ExecuteAsync(context);
    }
}
