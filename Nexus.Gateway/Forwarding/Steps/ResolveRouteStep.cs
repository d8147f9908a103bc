using Nexus.Gateway.Routing;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Resolve the route: the model's or service's ready instances, narrowed to the labels the caller's policy (or an
/// allowed header) selects; 404 for a name nothing serves, 503 when nothing ready carries the labels.
/// </summary>
internal sealed class ResolveRouteStep(RequestDelegate next, RouteResolver routes, GatewayMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        var service = feature.Service;
        var model = feature.Request!.Model;
        var (outcome, upstreams) = service is null ? routes.ForModel(model!) : routes.ForService(service);
        if (outcome != RouteOutcome.Found)
        {
            var what = service is null ? $"The model '{model}'" : $"The service '{service}'";
            return outcome == RouteOutcome.Unknown
                ? GatewayErrors.RejectAsync(context, metrics, "unknown", 404, what + " does not exist.", service is null ? "model" : null, service is null ? "model_not_found" : "service_not_found")
                : GatewayErrors.RejectAsync(context, metrics, "not_ready", 503, what + " has no ready instance.", code: "no_ready_instance");
        }

        var (labels, labelProblem) = RouteSelector.For(feature.Caller!, context.Request.Headers);
        if (labelProblem is not null) return GatewayErrors.RejectAsync(context, metrics, "invalid_request", 400, labelProblem, code: "invalid_route_header");
        if (labels is not null)
        {
            upstreams = RouteSelector.Filter(upstreams, labels);
            if (upstreams.Count == 0)
            {
                var code = labels.Count == 1 && labels.ContainsKey("tier") ? "no_instance_for_tier" : "no_instance_for_labels";
                return GatewayErrors.RejectAsync(context, metrics, "not_ready", 503, $"No ready instance carries the labels {RouteSelector.Describe(labels)}.", code: code);
            }
        }

        feature.Route = service ?? model!;
        feature.Candidates = upstreams;
        return next(context);
    }
}
