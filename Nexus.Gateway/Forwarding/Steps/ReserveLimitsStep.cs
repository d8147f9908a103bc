using System.Globalization;
using Nexus.Gateway.Limits;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Reserve limits: bumps the caller's rate limits, concurrency and budgets with the tokens the request may use, or
/// answers 429 with <c>Retry-After</c>; once the answer is complete, gives the slot back and corrects the reservation
/// to the tokens metered.
/// </summary>
internal sealed class ReserveLimitsStep(RequestDelegate next, RequestLimiter limiter, GatewayMetrics metrics, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        var caller = feature.Caller!;
        var request = feature.Request!;
        var (decision, lease) = await limiter.AcquireAsync(caller, checked(request.PromptTokensEstimate + request.MaxCompletionTokens), context.Response, context.RequestAborted);
        if (!decision.Allowed)
        {
            var exceeded = decision.Exceeded!;
            var retryAfter = RequestLimiter.RetryAfter(exceeded, time.GetUtcNow());
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var (reason, message, code) = Describe(exceeded);
            await GatewayErrors.RejectAsync(context, metrics, reason, 429, message, code: code);
            return;
        }

        feature.Lease = lease;
        try
        {
            await next(context);
        }
        finally
        {
            await limiter.ReleaseAsync(lease, caller.Key.Id, feature.PromptTokens + feature.CompletionTokens);
        }
    }

    private static (string Reason, string Message, string Code) Describe(LimitCounter counter) => counter.Kind switch
    {
        LimitKind.Requests => ("requests_per_minute", $"Rate limit reached: {counter.Limit} requests per minute.", "rate_limit_exceeded"),
        LimitKind.Tokens => ("tokens_per_minute", $"Rate limit reached: {counter.Limit} tokens per minute.", "rate_limit_exceeded"),
        LimitKind.Concurrency => ("concurrency", $"Too many concurrent requests (limit {counter.Limit}).", "concurrency_limit_exceeded"),
        LimitKind.DailyBudget => ("daily_budget", $"The daily token budget of {counter.Limit} is used up.", "insufficient_quota"),
        _ => ("monthly_budget", $"The monthly token budget of {counter.Limit} is used up.", "insufficient_quota"),
    };
}
