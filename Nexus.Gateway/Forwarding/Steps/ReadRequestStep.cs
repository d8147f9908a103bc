using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Read the request: the body, held for retries, and what it says (model, stream, tokens to reserve), or a 4xx. A
/// service function at an OpenAI path is read as that OpenAI endpoint, so it cannot be a way around its rules.
/// </summary>
internal sealed class ReadRequestStep(RequestDelegate next, GatewayRequestReader reader, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        feature.ServedAs = feature.Service is null ? feature.Endpoint : GatewayEndpoints.ServedBy(context.Request.Method, feature.Path);
        var (request, problem) = await reader.ReadAsync(context.Request, feature.ServedAs ?? feature.Endpoint, context.RequestAborted);
        if (request is null)
        {
            await GatewayErrors.RejectAsync(context, metrics, "invalid_request", problem!.Status, problem.Message, problem.Param, problem.Code);
            return;
        }

        feature.Request = request;
        await next(context);
    }
}
