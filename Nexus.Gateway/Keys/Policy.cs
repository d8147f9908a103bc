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

    public static Policy Unrestricted { get; } = new();

    public bool AllowsModel(string model) => AllowedModels is null || AllowedModels.Contains(model, StringComparer.Ordinal);

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
