using Nexus.Contract;
using Nexus.Gateway.Routing;

namespace Nexus.Gateway.Keys;

/// <summary>
/// What a tenant or a key may do. A key's policy narrows its tenant's: both allow-lists and scope lists must admit a
/// request, and both sets of limits are enforced, each with its own counters. A null field means "no restriction".
/// </summary>
public sealed record Policy
{
    /// <summary>Model ids the caller may use; null allows every model.</summary>
    public IReadOnlyList<string>? AllowedModels { get; init; }

    /// <summary>Endpoint scopes (<see cref="EndpointScopes"/>); null allows every endpoint.</summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    public int? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public int? MaxConcurrentRequests { get; init; }

    public long? DailyTokenBudget { get; init; }

    public long? MonthlyTokenBudget { get; init; }

    /// <summary>Routes to instances labelled <c>tier=&lt;value&gt;</c> when set.</summary>
    public string? DefaultTier { get; init; }

    /// <summary>Whether the <c>X-Nexus-Tier</c> request header may choose the tier.</summary>
    public bool AllowTierHeader { get; init; }

    /// <summary>
    /// Routes only to instances carrying every one of these labels (<c>host</c>, <c>gpu</c>, <c>tier</c> or any other
    /// key a service or static route declares). <see cref="DefaultTier"/> is the shorthand for <c>tier</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? RouteLabels { get; init; }

    /// <summary>Whether the <c>X-Nexus-Route</c> request header (<c>gpu=a100, host=box-2</c>) may choose labels.</summary>
    public bool AllowRouteHeader { get; init; }

    /// <summary>
    /// Seconds to keep deterministic answers (embeddings; chat and completions at temperature 0, not streamed) in the
    /// gateway's response cache; null or 0: not cached. A key's setting wins over its tenant's.
    /// </summary>
    public int? ResponseCacheSeconds { get; init; }

    /// <summary>
    /// Whether the caller may read the registry (<c>/v1/registry</c>: instances, their addresses and descriptors), which
    /// is operators' data: only a tenant whose policy says <c>true</c>, and then each key unless its own says <c>false</c>.
    /// </summary>
    public bool? ReadRegistry { get; init; }

    public static Policy Unrestricted { get; } = new();

    /// <summary>Whether the allow-list names the model, tagged or not: <c>llama3.2</c> allows <c>llama3.2:latest</c> and back.</summary>
    public bool AllowsModel(string model)
    {
        if (AllowedModels is null) return true;
        foreach (var allowed in AllowedModels)
        {
            if (ModelTags.Same(allowed, model)) return true;
        }

        return false;
    }

    /// <summary>What is wrong with this policy, for the admin API's 400; null when it is sound.</summary>
    public string? Problem()
    {
        if (RequestsPerMinute < 0 || TokensPerMinute < 0 || MaxConcurrentRequests < 0 || DailyTokenBudget < 0 || MonthlyTokenBudget < 0)
            return "Limits and budgets must not be negative.";
        if (ResponseCacheSeconds < 0) return "'responseCacheSeconds' must not be negative.";
        if (DefaultTier is { } tier && string.IsNullOrWhiteSpace(tier)) return "'defaultTier' must not be empty.";
        if (!RouteSelector.AreValidLabels(RouteLabels))
            return "'routeLabels' keys and values must be non-empty and contain no ',', ';' or '='.";
        return null;
    }

    public bool AllowsScope(string scope) =>
        Scopes is null || Scopes.Any(s => s == scope || (s.EndsWith(":*", StringComparison.Ordinal) && scope.StartsWith(s[..^1], StringComparison.Ordinal)));
}

/// <summary>The endpoint scopes a policy can list.</summary>
public static class EndpointScopes
{
    public const string Chat = "chat";
    public const string Completions = "completions";
    public const string Embeddings = "embeddings";
    public const string Images = "images";
    public const string Speech = "audio.speech";
    public const string Transcriptions = "audio.transcriptions";
    public const string Models = "models";

    /// <summary><c>services:{name}</c>; a policy may list <c>services:*</c> for every service.</summary>
    public static string Service(string name) => "services:" + name;
}
