namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Meter: once the answer is complete, the tokens to bill: the upstream's usage when it reported one, else the prompt
/// estimate plus one token per content chunk; nothing for a failure that produced nothing.
/// </summary>
internal sealed class MeterStep(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var feature = GatewayRequestFeature.Of(context);
        if (feature.Result is not { } result) return;
        if (result is { Status: >= 400, Meter.HasUsage: false, ClientAborted: false, Meter.ContentChunks: 0 }) return;
        (feature.PromptTokens, feature.CompletionTokens) = result.Meter.Billable(feature.Request!.PromptTokensEstimate);
    }
}
