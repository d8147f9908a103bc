using System.Diagnostics;
using Nexus.Gateway.Limits;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Record: the first step and the last to finish. Starts the request's clock; once every other step has returned,
/// counts the request in the metrics and enqueues its one audit record. A key or limits store that fails refuses the
/// request here (fail closed) rather than serving it unchecked.
/// </summary>
internal sealed class RecordStep(RequestDelegate next, AuditQueue audit, GatewayMetrics metrics, TimeProvider time, ILogger<RecordStep> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        feature.At = time.GetUtcNow();
        feature.Timing = RequestTiming.Start(context);
        try
        {
            await next(context);
        }
        catch (Exception exception) when (IsStoreFailure(exception) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            GatewayLog.StoreUnavailable(logger, exception);
            await GatewayErrors.RejectAsync(context, metrics, "store_unavailable", 503, "The gateway cannot check keys or limits right now; retry shortly.", code: "gateway_store_unavailable");
        }
        finally
        {
            await RecordAsync(context, feature);
        }
    }

    private ValueTask RecordAsync(HttpContext context, GatewayRequestFeature feature)
    {
        var result = feature.Result;
        var status = result?.Status ?? context.Response.StatusCode;
        if (context.RequestAborted.IsCancellationRequested && result is null) status = ForwardResult.ClientClosedRequest;
        var timing = feature.Timing;
        metrics.Request(feature.Endpoint.Name, status);
        metrics.Tokens(feature.PromptTokens, feature.CompletionTokens);
        metrics.Durations(timing.Upstream, timing.Overhead);
        return audit.EnqueueAsync(new AuditRecord
        {
            At = feature.At,
            Endpoint = feature.Endpoint.Name,
            RequestId = context.TraceIdentifier,
            TraceId = Activity.Current?.TraceId.ToHexString(),
            TenantId = feature.Caller?.Tenant.Id,
            KeyId = feature.Caller?.Key.Id,
            Model = feature.Model,
            Status = status,
            Instance = result?.Instance?.InstanceId,
            PromptTokens = feature.PromptTokens,
            CompletionTokens = feature.CompletionTokens,
            LatencyMs = timing.Total.TotalMilliseconds,
            OverheadMs = timing.Overhead.TotalMilliseconds,
        });
    }

    private static bool IsStoreFailure(Exception exception) =>
        exception is System.Data.Common.DbException or IOException or System.Net.Sockets.SocketException or TimeoutException or LimitStoreException;
}
