using System.Collections.Concurrent;
using System.Globalization;
using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Limits;

/// <summary>A request's hold on capacity (its counters and its concurrency slot), released with the real usage when it ends.</summary>
internal sealed record LimitLease(LimitPlan Plan, string? Slot);

/// <summary>Applies a caller's key and tenant policies to a request: reserve before, reconcile after, OpenAI's headers.</summary>
internal sealed class RequestLimiter(ILimitStore store, TimeProvider time, ILogger<RequestLimiter> logger)
{
    // Requests and tokens are counted in one-minute windows, so a reset (x-ratelimit-reset-*) is nearly always one of these.
    private static readonly string[] WindowSeconds = [.. Enumerable.Range(0, 61).Select(s => s.ToString(CultureInfo.InvariantCulture) + "s")];

    // A caller's counters are the same for every request in a minute (and for the same policies): built once, not per request.
    private readonly ConcurrentDictionary<string, CallerCounters> _counters = new(StringComparer.Ordinal);

    private sealed record CallerCounters(Policy KeyPolicy, Policy TenantPolicy, long Minute, LimitCounter[] Counters);

    public async ValueTask<(LimitDecision Decision, LimitLease Lease)> AcquireAsync(Caller caller, long reservedTokens, HttpResponse response, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var plan = new LimitPlan(CountersOf(caller, now), reservedTokens);
        var decision = await store.AcquireAsync(plan, cancellationToken);
        WriteHeaders(response, plan, decision, now);
        return (decision, new LimitLease(plan, decision.Slot));
    }

    /// <summary>Gives back the concurrency slot and corrects the token reservation to what was really used.</summary>
    public async Task ReleaseAsync(LimitLease lease, string keyId, long actualTokens)
    {
        try
        {
            // Not the request's token: a client that went away must still be billed and free its slot (the store bounds the wait).
            await store.ReleaseAsync(lease.Plan, lease.Slot, lease.Plan.ReleaseDeltas(actualTokens), CancellationToken.None);
        }
        catch (Exception exception) when (exception is IOException or LimitStoreException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            GatewayLog.ReconcileFailed(logger, exception, keyId);
        }
    }

    public static TimeSpan RetryAfter(LimitCounter counter, DateTimeOffset now)
    {
        if (counter.Kind == LimitKind.Concurrency) return TimeSpan.FromSeconds(1);
        var wait = counter.ResetsAt - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    private LimitCounter[] CountersOf(Caller caller, DateTimeOffset now)
    {
        var minute = now.ToUnixTimeSeconds() / 60;
        if (_counters.TryGetValue(caller.Key.Id, out var cached) && cached.Minute == minute
            && ReferenceEquals(cached.KeyPolicy, caller.Key.Policy) && ReferenceEquals(cached.TenantPolicy, caller.Tenant.Policy))
        {
            return cached.Counters;
        }

        LimitCounter[] counters = [.. LimitPlan.CountersFor("k:" + caller.Key.Id, caller.Key.Policy, now), .. LimitPlan.CountersFor("t:" + caller.Tenant.Id, caller.Tenant.Policy, now)];
        if (_counters.Count > 100_000) _counters.Clear(); // keys come and go; the cache must not grow with them
        _counters[caller.Key.Id] = new CallerCounters(caller.Key.Policy, caller.Tenant.Policy, minute, counters);
        return counters;
    }

    private static void WriteHeaders(HttpResponse response, LimitPlan plan, LimitDecision decision, DateTimeOffset now)
    {
        Write(response, plan, decision, now, LimitKind.Requests);
        Write(response, plan, decision, now, LimitKind.Tokens);
    }

    // The tightest of the key's and the tenant's counters of a kind is the one the client must respect.
    private static void Write(HttpResponse response, LimitPlan plan, LimitDecision decision, DateTimeOffset now, LimitKind kind)
    {
        (LimitCounter Counter, long Remaining)? tightest = null;
        for (var i = 0; i < plan.Counters.Count; i++)
        {
            var counter = plan.Counters[i];
            if (counter.Kind != kind) continue;
            var remaining = decision.Allowed ? Math.Max(0, counter.Limit - decision.Values[i]) : (ReferenceEquals(decision.Exceeded, counter) ? 0 : counter.Limit);
            if (tightest is null || remaining < tightest.Value.Remaining) tightest = (counter, remaining);
        }

        if (tightest is not { } t) return;
        var requests = kind == LimitKind.Requests;
        response.Headers[requests ? "x-ratelimit-limit-requests" : "x-ratelimit-limit-tokens"] = t.Counter.LimitText;
        response.Headers[requests ? "x-ratelimit-remaining-requests" : "x-ratelimit-remaining-tokens"] = t.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers[requests ? "x-ratelimit-reset-requests" : "x-ratelimit-reset-tokens"] = Seconds(Math.Max(0, (int)Math.Ceiling((t.Counter.ResetsAt - now).TotalSeconds)));
    }

    private static string Seconds(int seconds) =>
        seconds < WindowSeconds.Length ? WindowSeconds[seconds] : seconds.ToString(CultureInfo.InvariantCulture) + "s";
}
