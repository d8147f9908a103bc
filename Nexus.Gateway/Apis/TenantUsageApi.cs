using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Storage;
using Nexus.Gateway.Usage;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Gateway.Apis;

/// <summary><c>/v1/usage</c>: a tenant's own usage, read with its own key; the tenant comes from the key, never from the request.</summary>
internal static class TenantUsageApi
{
    public static IEndpointRouteBuilder MapTenantUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/usage", GetUsageAsync).WithOpenAIErrors().WithName("usage").WithSummary("Token usage of the caller's tenant by key and model.");
        return app;
    }

    private static async Task GetUsageAsync(HttpContext context, KeyAuthenticator keys, AuthThrottle throttle, IGatewayStore store, DateTimeOffset? from, DateTimeOffset? to)
    {
        var caller = await keys.AuthenticateAsync(context.Request.Headers.Authorization, context.RequestAborted);
        if (caller is null)
        {
            if (context.Request.Headers.Authorization.Count > 0) throttle.Failed(context.Connection.RemoteIpAddress);
            await GatewayErrors.WriteAsync(context, 401, "Incorrect or missing API key. Send 'Authorization: Bearer <key>'.", code: "invalid_api_key");
            return;
        }

        var rows = await store.QueryUsageAsync(new UsageQuery { TenantId = caller.Tenant.Id, From = from, To = to }, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new { data = rows }, context.RequestAborted);
    }
}
