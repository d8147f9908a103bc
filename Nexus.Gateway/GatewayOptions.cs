using System.ComponentModel.DataAnnotations;

namespace Nexus.Gateway;

/// <summary>The gateway's settings, bound from <c>Nexus:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Nexus:Gateway";

    /// <summary>The admin credential for <c>/admin</c>; when unset, one is generated on first start and logged once.</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>
    /// Tenant keys created at start (<c>Nexus:Gateway:BootstrapKeys:{tenant}</c>), for services of the same deployment
    /// that call the gateway as tenants (the agents, knowledge): the deployment generates the secret and hands it to both.
    /// </summary>
    public Dictionary<string, BootstrapKeyOptions> BootstrapKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Longest silence from an upstream (connect, headers, or between body reads) before a 504.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How long to wait for a TCP connection to an instance before trying another.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Instances tried per request (connect failures and 503 before the first byte move on to the next).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Consecutive failures that open an instance's circuit.</summary>
    [Range(1, 1000)]
    public int CircuitFailureThreshold { get; set; } = 5;

    /// <summary>How long an open circuit keeps an instance out of rotation before one trial request.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Completion tokens reserved when a request names no <c>max_tokens</c>.</summary>
    [Range(1, 10_000_000)]
    public int DefaultMaxTokens { get; set; } = 1024;

    /// <summary>
    /// Count the prompt with the model's own tokenizer (OpenAI's model families) for reservations; <c>false</c> keeps the
    /// byte estimate for every model, and the tokenizers (about 60 MiB of heap for both) are never loaded.
    /// </summary>
    public bool ExactPromptTokens { get; set; } = true;

    /// <summary>
    /// Largest <c>max_tokens</c> (or <c>max_completion_tokens</c>) a request may ask for; more is a 400. It bounds what one
    /// request can reserve against a budget, and keeps the reservation's arithmetic far from overflow.
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxCompletionTokens { get; set; } = 1_000_000;

    /// <summary>How long a looked-up API key is trusted before the store is asked again; revocation takes at most this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Failed authentications (tenant keys, admin keys, registration tokens) one client address may make in a minute;
    /// then its requests with a credential are refused with 429 until the minute ends. 0 turns the throttle off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int AuthFailuresPerMinute { get; set; } = 30;

    /// <summary>Audit records held in memory awaiting the store; requests wait (never drop a record) when it is full.</summary>
    [Range(100, 1_000_000)]
    public int AuditQueueCapacity { get; set; } = 10_000;

    /// <summary>Largest batch written to the store in one transaction.</summary>
    [Range(1, 10_000)]
    public int AuditBatchSize { get; set; } = 500;

    /// <summary>How long the writer lets records gather before a transaction: one commit per interval, not per request.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan AuditFlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>SQLite file used when no <c>ConnectionStrings:nexusdb</c> is set.</summary>
    public string SqlitePath { get; set; } = "nexus-gateway.db";

    /// <summary>How often each replica rereads the static routes kept by the admin API; a change serves everywhere within it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RouteRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each static upstream is probed (a TCP connection); an unreachable one is not routed to or listed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan StaticProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Static routes, useful without any registry: model ids and service names to upstream URLs.</summary>
    public StaticRoutesOptions Routes { get; set; } = new();

    /// <summary>Weighted splits between two versions, by model id or service name (<c>Nexus:Gateway:Canaries:{name}</c>).</summary>
    public Dictionary<string, CanaryRule> Canaries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One bootstrap tenant key: the key itself and what its tenant may do beyond the default.</summary>
public sealed class BootstrapKeyOptions
{
    /// <summary>The key value (a tenant key, <c>nx-</c> and at least 32 more characters); only its hash is stored.</summary>
    public string Key { get; set; } = "";

    /// <summary>Whether the tenant may read the registry (<c>/v1/registry</c> list, get, watch), as the agents' tool bus does.</summary>
    public bool ReadRegistry { get; set; }
}

/// <summary>Sends a share of a route's traffic to instances of a new version; rolls back when it fails more than the old one.</summary>
public sealed class CanaryRule
{
    /// <summary>The new version (the descriptor's <c>version</c>, or a static upstream's <c>Version</c>).</summary>
    public string Version { get; set; } = "";

    /// <summary>Percent of requests sent to the new version while it is healthy.</summary>
    [Range(0, 100)]
    public int WeightPercent { get; set; } = 10;

    /// <summary>Rollback when the new version's error rate exceeds the old one's by more than this (0.05 = 5 points).</summary>
    [Range(0.0, 1.0)]
    public double RollbackMargin { get; set; } = 0.05;

    /// <summary>Requests the new version must have served before its error rate is judged.</summary>
    [Range(1, 1_000_000)]
    public int MinRequests { get; set; } = 20;
}

/// <summary>
/// <c>Nexus:Gateway:Routes</c>: <c>Models:{id}</c> and <c>Services:{name}</c>, each a list of upstreams. The admin API's
/// routes (<c>/admin/routes</c>) are kept in the store and replace a configured route of the same name.
/// </summary>
public sealed class StaticRoutesOptions
{
    public Dictionary<string, List<StaticUpstream>> Models { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<StaticUpstream>> Services { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One upstream of a static route.</summary>
public sealed class StaticUpstream
{
    /// <summary>Base URL; the OpenAI path (<c>/v1/chat/completions</c>) is appended to it.</summary>
    public string Url { get; set; } = "";

    /// <summary>Routing labels (host, gpu, tier, any key).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The version this upstream runs, for canary splits.</summary>
    public string? Version { get; set; }

    /// <summary>Bearer credential the upstream expects (an external OpenAI-compatible API); never the client's key.</summary>
    public string? ApiKey { get; set; }
}
