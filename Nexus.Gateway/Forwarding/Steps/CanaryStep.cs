using Nexus.Gateway.Routing;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Canary: where the route has a canary, narrows the candidates to one side of the version split and, once the request
/// was forwarded, counts its outcome towards the automatic rollback. A route without one passes straight through.
/// </summary>
internal sealed class CanaryStep(RequestDelegate next, CanaryRouter canaries)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        if (canaries.RuleFor(feature.Route) is not { } rule) return next(context);
        feature.Candidates = canaries.Split(feature.Route, rule, feature.Candidates);
        return SplitAsync(context, feature, rule);
    }

    private async Task SplitAsync(HttpContext context, GatewayRequestFeature feature, CanaryRule rule)
    {
        await next(context);
        if (feature.Result is { } result) canaries.Record(feature.Route, rule, result.Instance, result.Outcome);
    }
}
