using Nexus.Gateway.Keys;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>Authenticate: the bearer key resolves to its caller (key and tenant), or the request ends with 401.</summary>
internal sealed class AuthenticateStep(RequestDelegate next, KeyAuthenticator keys, AuthThrottle throttle, GatewayMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        var pending = keys.AuthenticateAsync(context.Request.Headers.Authorization, context.RequestAborted);
        // A cached key answers at once: no state machine for the common case.
        return pending.IsCompletedSuccessfully ? Continue(context, feature, pending.Result) : AwaitAsync(context, feature, pending);
    }

    private async Task AwaitAsync(HttpContext context, GatewayRequestFeature feature, ValueTask<Caller?> pending) =>
        await Continue(context, feature, await pending);

    private Task Continue(HttpContext context, GatewayRequestFeature feature, Caller? caller)
    {
        if (caller is null)
        {
            if (context.Request.Headers.Authorization.Count > 0) throttle.Failed(context.Connection.RemoteIpAddress);
            return GatewayErrors.RejectAsync(context, metrics, "auth", 401, "Incorrect or missing API key. Send 'Authorization: Bearer <key>'.", code: "invalid_api_key");
        }

        feature.Caller = caller;
        return next(context);
    }
}
