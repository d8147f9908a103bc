using System.Diagnostics;
using System.Globalization;
using Nexus.Gateway.Keys;
using Nexus.Gateway.Limits;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding;

/// <summary>
/// One request through the gateway: key, scope, body, model allow-list, route, limits, forwarding, then usage
/// reconciliation, metrics and the audit record. Every refusal is an OpenAI error with the matching status.
/// </summary>
internal sealed class GatewayProxy(
    KeyAuthenticator keys,
    GatewayRequestReader reader,
    RouteResolver routes,
    RequestLimiter limiter,
    UpstreamForwarder forwarder,
    AuditQueue audit,
    GatewayMetrics metrics,
    CanaryRouter canaries,
    TimeProvider time,
    ILogger<GatewayProxy> logger)
{
    public async Task HandleAsync(HttpContext context, GatewayEndpoint endpoint, string? service, string? path)
    {
        var timing = RequestTiming.Start(context);
        var at = time.GetUtcNow();
        var model = service;
        LimitLease? lease = null;
        ForwardResult? result = null;
        GatewayRequest? request = null;
        Caller? caller = null;
        try
        {
            caller = await keys.AuthenticateAsync(context.Request.Headers.Authorization, context.RequestAborted);
            if (caller is null)
            {
                await RejectAsync(context, "auth", 401, "Incorrect or missing API key. Send 'Authorization: Bearer <key>'.", code: "invalid_api_key");
                return;
            }

            var scope = service is null ? endpoint.Scope : EndpointScopes.Service(service);
            if (!caller.AllowsScope(scope))
            {
                await RejectAsync(context, "scope", 403, $"This key may not call '{scope}'.", code: "endpoint_not_allowed");
                return;
            }

            var (read, problem) = await reader.ReadAsync(context.Request, endpoint, context.RequestAborted);
            if (problem is not null || read is null)
            {
                await RejectAsync(context, "invalid_request", problem!.Status, problem.Message, problem.Param, problem.Code);
                return;
            }

            request = read;
            if (request.Model is not null)
            {
                model = request.Model;
                if (!caller.AllowsModel(model))
                {
                    await RejectAsync(context, "model", 403, $"This key may not use the model '{model}'.", "model", "model_not_allowed");
                    return;
                }
            }

            var (outcome, upstreams) = service is null ? routes.ForModel(request.Model!) : routes.ForService(service);
            if (outcome != RouteOutcome.Found)
            {
                var what = service is null ? $"The model '{request.Model}'" : $"The service '{service}'";
                if (outcome == RouteOutcome.Unknown) await RejectAsync(context, "unknown", 404, what + " does not exist.", service is null ? "model" : null, service is null ? "model_not_found" : "service_not_found");
                else await RejectAsync(context, "not_ready", 503, what + " has no ready instance.", code: "no_ready_instance");
                return;
            }

            var (labels, labelProblem) = RouteSelector.For(caller, context.Request.Headers);
            if (labelProblem is not null)
            {
                await RejectAsync(context, "invalid_request", 400, labelProblem, code: "invalid_route_header");
                return;
            }

            if (labels is not null)
            {
                upstreams = RouteSelector.Filter(upstreams, labels);
                if (upstreams.Count == 0)
                {
                    var code = labels.Count == 1 && labels.ContainsKey("tier") ? "no_instance_for_tier" : "no_instance_for_labels";
                    await RejectAsync(context, "not_ready", 503, $"No ready instance carries the labels {RouteSelector.Describe(labels)}.", code: code);
                    return;
                }
            }

            var route = service ?? request.Model!;
            upstreams = canaries.Split(route, upstreams);
            var (decision, acquired) = await limiter.AcquireAsync(caller, request.PromptTokensEstimate + request.MaxCompletionTokens, context.Response, context.RequestAborted);
            if (!decision.Allowed)
            {
                var exceeded = decision.Exceeded!;
                var retryAfter = RequestLimiter.RetryAfter(exceeded, time.GetUtcNow());
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var (reason, message, code) = Describe(exceeded);
                await RejectAsync(context, reason, 429, message, code: code);
                return;
            }

            lease = acquired;
            result = await forwarder.ForwardAsync(context, request, upstreams, path is null ? null : "/" + path, timing);
            canaries.Record(route, result.Instance, failed: !result.ClientAborted && (result.Status >= 500 || result.Meter.CutOff));
        }
        catch (Exception exception) when (IsStoreFailure(exception) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            // Keys and limits cannot be checked: refuse (fail closed) rather than serve unchecked, and say why.
            GatewayLog.StoreUnavailable(logger, exception);
            await RejectAsync(context, "store_unavailable", 503, "The gateway cannot check keys or limits right now; retry shortly.", code: "gateway_store_unavailable");
        }
        finally
        {
            await FinishAsync(context, at, endpoint, model, caller, request, lease, result, timing);
        }
    }

    private async Task FinishAsync(
        HttpContext context, DateTimeOffset at, GatewayEndpoint endpoint, string? model, Caller? caller, GatewayRequest? request, LimitLease? lease, ForwardResult? result, RequestTiming timing)
    {
        var (prompt, completion) = result is null || request is null ? (0L, 0L) : result.Meter.Billable(request.PromptTokensEstimate);
        if (result is { Status: >= 400, Meter.HasUsage: false, ClientAborted: false, Meter.ContentChunks: 0 }) (prompt, completion) = (0, 0);
        if (lease is not null && caller is not null) await limiter.ReleaseAsync(lease, caller.Key.Id, prompt + completion);

        var status = result?.Status ?? context.Response.StatusCode;
        if (context.RequestAborted.IsCancellationRequested && result is null) status = ForwardResult.ClientClosedRequest;
        metrics.Request(endpoint.Name, status);
        metrics.Tokens(prompt, completion);
        metrics.Durations(timing.Upstream, timing.Overhead);
        await audit.EnqueueAsync(new AuditRecord
        {
            At = at,
            Endpoint = endpoint.Name,
            RequestId = context.TraceIdentifier,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            TenantId = caller?.Tenant.Id,
            KeyId = caller?.Key.Id,
            Model = model,
            Status = status,
            Instance = result?.Instance?.InstanceId,
            PromptTokens = prompt,
            CompletionTokens = completion,
            LatencyMs = timing.Total.TotalMilliseconds,
            OverheadMs = timing.Overhead.TotalMilliseconds,
        });
    }

    private static bool IsStoreFailure(Exception exception) =>
        exception is System.Data.Common.DbException or IOException or System.Net.Sockets.SocketException or TimeoutException or LimitStoreException;

    private Task RejectAsync(HttpContext context, string reason, int status, string message, string? param = null, string? code = null)
    {
        metrics.Rejected(reason);
        return GatewayErrors.WriteAsync(context, status, message, param, code);
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
