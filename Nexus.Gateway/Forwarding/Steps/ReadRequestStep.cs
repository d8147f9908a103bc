using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>Read the request: the body, held for retries, and what it says (model, stream, tokens to reserve), or a 4xx.</summary>
internal sealed class ReadRequestStep(RequestDelegate next, GatewayRequestReader reader, GatewayMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        var (request, problem) = await reader.ReadAsync(context.Request, feature.Endpoint, context.RequestAborted);
        if (request is null)
        {
            await GatewayErrors.RejectAsync(context, metrics, "invalid_request", problem!.Status, problem.Message, problem.Param, problem.Code);
            return;
        }

        feature.Request = request;
        await next(context);
    }
}
