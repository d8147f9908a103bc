using System.Globalization;
using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Limits;

/// <summary>A request's hold on capacity, released with the real usage when it ends.</summary>
internal sealed record LimitLease(LimitPlan Plan);

/// <summary>Applies a caller's key and tenant policies to a request: reserve before, reconcile after, OpenAI's headers.</summary>
internal sealed class RequestLimiter(ILimitStore store, TimeProvider time, ILogger<RequestLimiter> logger)
{
    public async ValueTask<(LimitDecision Decision, LimitLease Lease)> AcquireAsync(Caller caller, long reservedTokens, HttpResponse response, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var plan = LimitPlan.For([("k:" + caller.Key.Id, caller.Key.Policy), ("t:" + caller.Tenant.Id, caller.Tenant.Policy)], reservedTokens, now);
        var decision = await store.AcquireAsync(plan, cancellationToken);
        WriteHeaders(response, plan, decision, now);
        return (decision, new LimitLease(plan));
    }

    /// <summary>Gives back the concurrency slot and corrects the token reservation to what was really used.</summary>
    public async Task ReleaseAsync(LimitLease lease, string keyId, long actualTokens)
    {
        try
        {
            // Not the request's token: a client that went away must still be billed and free its slot.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await store.ReleaseAsync(lease.Plan, lease.Plan.ReleaseDeltas(actualTokens), timeout.Token);
        }
        catch (Exception exception) when (exception is IOException or LimitStoreException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            GatewayLog.ReconcileFailed(logger, exception, keyId);
        }
    }

    public static TimeSpan RetryAfter(LimitCounter counter, DateTimeOffset now)
    {
        var wait = counter.ResetsAt - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    private static void WriteHeaders(HttpResponse response, LimitPlan plan, LimitDecision decision, DateTimeOffset now)
    {
        Write(response, plan, decision, now, LimitKind.Requests, "requests");
        Write(response, plan, decision, now, LimitKind.Tokens, "tokens");
    }

    // The tightest of the key's and the tenant's counters of a kind is the one the client must respect.
    private static void Write(HttpResponse response, LimitPlan plan, LimitDecision decision, DateTimeOffset now, LimitKind kind, string name)
    {
        (long Limit, long Remaining, DateTimeOffset Reset)? tightest = null;
        for (var i = 0; i < plan.Counters.Count; i++)
        {
            var counter = plan.Counters[i];
            if (counter.Kind != kind) continue;
            var remaining = decision.Allowed ? Math.Max(0, counter.Limit - decision.Values[i]) : (ReferenceEquals(decision.Exceeded, counter) ? 0 : counter.Limit);
            if (tightest is null || remaining < tightest.Value.Remaining) tightest = (counter.Limit, remaining, counter.ResetsAt);
        }

        if (tightest is not { } t) return;
        response.Headers["x-ratelimit-limit-" + name] = t.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-remaining-" + name] = t.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["x-ratelimit-reset-" + name] = Math.Max(0, (int)Math.Ceiling((t.Reset - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
    }
}
