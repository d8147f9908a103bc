using Nexus.Gateway.Keys;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Authorise: the endpoint's scope and the requested model must be allowed by the key's and the tenant's policies, or
/// 403. A service function serving a model needs the service's scope and the OpenAI endpoint's.
/// </summary>
internal sealed class AuthoriseStep(RequestDelegate next, GatewayMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        var caller = feature.Caller!;
        var scope = feature.Service is null ? feature.Endpoint.Scope : EndpointScopes.Service(feature.Service);
        if (!caller.AllowsScope(scope))
        {
            return GatewayErrors.RejectAsync(context, metrics, "scope", 403, $"This key may not call '{scope}'.", code: "endpoint_not_allowed");
        }

        if (feature.Service is not null && feature.ServedAs is { } served && !caller.AllowsScope(served.Scope))
        {
            return GatewayErrors.RejectAsync(context, metrics, "scope", 403, $"This key may not call '{served.Scope}'.", code: "endpoint_not_allowed");
        }

        if (feature.Request!.Model is { } model && !caller.AllowsModel(model))
        {
            return GatewayErrors.RejectAsync(context, metrics, "model", 403, $"This key may not use the model '{model}'.", "model", "model_not_allowed");
        }

        return next(context);
    }
}
