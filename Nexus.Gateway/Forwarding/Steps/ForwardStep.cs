using System.Diagnostics;
using Microsoft.Extensions.Options;
using Nexus.Gateway.Apis.Files;
using Nexus.Gateway.Routing;
using Nexus.Gateway.Routing.Health;
using Nexus.Gateway.Usage;
using Yarp.ReverseProxy.Forwarder;

namespace Nexus.Gateway.Forwarding.Steps;

/// <summary>
/// Forward: sends the request through YARP's forwarder to the best candidate, moving on to another one when the
/// connection fails or the instance answers 503 before anything reached the client. Every attempt's outcome feeds
/// passive health. The last step: it answers the request.
/// </summary>
internal sealed class ForwardStep(
    IHttpForwarder forwarder,
    UpstreamInvoker invoker,
    LoadBalancer balancer,
    PassiveHealth health,
    IOptionsMonitor<GatewayOptions> options,
    TimeProvider time,
    ImageLinks imageLinks,
    ILogger<ForwardStep> logger)
{
    // The forwarder's settings change only with the options: built once per options instance, not per request.
    private CachedConfig? _config;

    public async Task InvokeAsync(HttpContext context)
    {
        var feature = GatewayRequestFeature.Of(context);
        var links = feature.ServedAs?.Scope == Keys.EndpointScopes.Images ? imageLinks : null;
        feature.Result = await ForwardAsync(context, feature.Request!, feature.Candidates, feature.Path, feature.Timing, openAIErrors: feature.ServedAs is not null, links);
    }

    private async Task<ForwardResult> ForwardAsync(HttpContext context, GatewayRequest request, IReadOnlyList<Upstream> candidates, string? pathOverride, RequestTiming timing, bool openAIErrors, ImageLinks? links)
    {
        var settings = options.CurrentValue;
        var config = ConfigFor(settings);
        // The instances tried so far: the first alone needs no set (most requests make one attempt).
        string? firstTried = null;
        HashSet<string>? tried = null;
        var meter = new UsageMeter();
        string? lastFailure = null;
        // Headers set before forwarding (x-ratelimit-*) must survive the reset of a failed attempt.
        var earlyHeaders = context.Response.Headers.ToArray();
        for (var attempt = 1; attempt <= settings.MaxAttempts; attempt++)
        {
            var upstream = balancer.Pick(candidates, (ICollection<string>?)tried ?? (firstTried is null ? Array.Empty<string>() : new[] { firstTried }));
            if (upstream is null) break;
            if (firstTried is null) firstTried = upstream.InstanceId;
            else (tried ??= new HashSet<string>(StringComparer.Ordinal) { firstTried }).Add(upstream.InstanceId);
            if (attempt > 1) meter = new UsageMeter();
            var canRetry = attempt < settings.MaxAttempts && (tried?.Count ?? 1) < candidates.Count;
            var state = new AttemptState(meter, timing, canRetry, stripUsage: request.Stream && !request.ClientWantsUsage, openAIErrors) { ImageLinks = links };

            // A fresh copy of the body for every attempt, so a retry sends exactly what the first attempt sent.
            context.Request.Body = new MemoryStream(request.Body, writable: false);
            context.Request.ContentLength = request.Body.Length;
            context.Request.Headers.TransferEncoding = default;

            var destination = health.StateOf(upstream.InstanceId);
            destination.Begin(time.GetUtcNow());
            state.SentAt = Stopwatch.GetTimestamp();
            ForwarderError error;
            try
            {
                error = await forwarder.SendAsync(context, upstream.BaseUrl.ToString(), invoker.Invoker, config, new ProxyTransformer(upstream, pathOverride, state));
            }
            finally
            {
                destination.End();
                timing.AttemptEnded(state.SentAt, state.HeadersReceivedAt, Stopwatch.GetTimestamp());
            }

            if (state.RetryOn503)
            {
                health.Report(upstream, AttemptOutcome.Failure);
                GatewayLog.UpstreamFailed(logger, upstream.InstanceId, "503", "trying another instance");
                Reset(context, earlyHeaders);
                lastFailure = "The upstream instance is unavailable.";
                continue;
            }

            if (error == ForwarderError.None)
            {
                var status = context.Response.StatusCode;
                var outcome = PassiveHealth.Classify(error, status, meter.CutOff);
                health.Report(upstream, outcome);
                // The client saw the status it was sent and then an error event; the record says the answer failed.
                return meter.CutOff
                    ? new ForwardResult(StatusCodes.Status502BadGateway, upstream, meter, "upstream stream cut off", false, outcome)
                    : new ForwardResult(status, upstream, meter, null, false, outcome);
            }

            if (context.RequestAborted.IsCancellationRequested || error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled
                or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.RequestBodyClient)
            {
                return new ForwardResult(ForwardResult.ClientClosedRequest, upstream, meter, "client disconnected", true, AttemptOutcome.Neutral);
            }

            var failure = PassiveHealth.Classify(error, 0, meter.CutOff);
            health.Report(upstream, failure);
            var exception = context.GetForwarderErrorFeature()?.Exception;
            if (error == ForwarderError.Request && !context.Response.HasStarted && IsConnectFailure(exception))
            {
                GatewayLog.UpstreamFailed(logger, upstream.InstanceId, exception?.Message ?? error.ToString(), "trying another instance");
                Reset(context, earlyHeaders);
                lastFailure = "The upstream instance could not be reached.";
                continue;
            }

            GatewayLog.UpstreamFailed(logger, upstream.InstanceId, exception?.Message ?? error.ToString(), "giving up");
            var failedStatus = error == ForwarderError.RequestTimedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
            if (!context.Response.HasStarted)
            {
                Reset(context, earlyHeaders);
                var message = failedStatus == 504 ? "The upstream instance did not answer in time." : "The upstream instance failed: " + error;
                await GatewayErrors.WriteAsync(context, failedStatus, message, code: failedStatus == 504 ? "upstream_timeout" : "upstream_error");
            }

            return new ForwardResult(failedStatus, upstream, meter, error.ToString(), false, failure);
        }

        // One rule for "no ready instance", wherever it is found out: 503 no_ready_instance, whether no instance was
        // ready, every circuit was open, or every instance tried refused the connection or answered 503. A 502 means an
        // instance took the request and failed it.
        var noneReady = lastFailure is null ? "No instance is ready (every circuit is open)." : "No instance is ready: " + lastFailure;
        await GatewayErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, noneReady, code: "no_ready_instance");
        return new ForwardResult(StatusCodes.Status503ServiceUnavailable, null, meter, lastFailure ?? "no ready instance", false, AttemptOutcome.Neutral);
    }

    private ForwarderRequestConfig ConfigFor(GatewayOptions settings)
    {
        if (_config is { } cached && ReferenceEquals(cached.Settings, settings)) return cached.Config;
        var config = new ForwarderRequestConfig { ActivityTimeout = settings.UpstreamTimeout };
        _config = new CachedConfig(settings, config);
        return config;
    }

    private sealed record CachedConfig(GatewayOptions Settings, ForwarderRequestConfig Config);

    private static void Reset(HttpContext context, KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>[] headers)
    {
        context.Response.Clear();
        foreach (var (name, value) in headers) context.Response.Headers[name] = value;
    }

    private static bool IsConnectFailure(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }) return true;
            // The handler's ConnectTimeout surfaces as a timeout before any byte of the request was sent.
            if (e is TimeoutException) return true;
        }

        return false;
    }
}
