using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Read the request: the body, held for retries, and what it says (model, stream, tokens to reserve), or a 4xx. A
/// service function at an OpenAI path is read as that OpenAI endpoint, so it cannot be a way around its rules.
/// </summary>
internal sealed class ReadRequestStep(RequestDelegate next, GatewayRequestReader reader, GatewayMetrics metrics)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        feature.ServedAs = feature.Service is null ? feature.Endpoint : GatewayEndpoints.ServedBy(context.Request.Method, feature.Path);
        var reading = reader.ReadAsync(context.Request, feature.ServedAs ?? feature.Endpoint, context.RequestAborted);
        // A body already received is read at once: no state machine of this step's own around the rest of the path.
        return reading.IsCompletedSuccessfully ? Continue(context, feature, reading.Result) : AwaitAsync(context, feature, reading);
    }

    private async Task AwaitAsync(HttpContext context, GatewayRequestFeature feature, ValueTask<(GatewayRequest? Request, RequestProblem? Problem)> reading) =>
        await Continue(context, feature, await reading);

    private Task Continue(HttpContext context, GatewayRequestFeature feature, (GatewayRequest? Request, RequestProblem? Problem) read)
    {
        var (request, problem) = read;
        if (request is null) return GatewayErrors.RejectAsync(context, metrics, "invalid_request", problem!.Status, problem.Message, problem.Param, problem.Code);
        feature.Request = request;
        return next(context);
    }
}
