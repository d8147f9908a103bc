using Nexus.Gateway.Keys;

namespace Nexus.Gateway.Routing;

/// <summary>
/// The labels a request's instances must carry: the tenant's route labels, overridden by the key's, then by the
/// <c>X-Nexus-Route</c> and <c>X-Nexus-Tier</c> headers where the policies allow them. A header a policy does not
/// allow is ignored, as a proxy ignores a hop-by-hop hint it does not honour.
/// </summary>
internal static class RouteSelector
{
    public const string RouteHeader = "X-Nexus-Route";
    public const string TierHeader = "X-Nexus-Tier";

    /// <summary>The labels to select by (null: any instance), or why the route header cannot be read.</summary>
    public static (Dictionary<string, string>? Labels, string? Problem) For(Caller caller, IHeaderDictionary headers)
    {
        Dictionary<string, string>? labels = null;
        foreach (var policy in (ReadOnlySpan<Policy>)[caller.Tenant.Policy, caller.Key.Policy])
        {
            if (policy.RouteLabels is { } routeLabels)
            {
                foreach (var (key, value) in routeLabels) (labels ??= new(StringComparer.Ordinal))[key] = value;
            }

            if (policy.DefaultTier is { } tier) (labels ??= new(StringComparer.Ordinal))["tier"] = tier;
        }

        if (caller.AllowsRouteHeader && headers[RouteHeader] is { Count: > 0 } route)
        {
            foreach (var line in route)
            {
                foreach (var pair in (line ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    var key = equals < 0 ? "" : pair[..equals].Trim();
                    var value = equals < 0 ? "" : pair[(equals + 1)..].Trim();
                    if (!IsValidPart(key) || !IsValidPart(value))
                        return (null, $"The {RouteHeader} header must be 'label=value' pairs separated by commas, e.g. 'gpu=a100, host=box-2'; '{pair}' is not.");
                    (labels ??= new(StringComparer.Ordinal))[key] = value;
                }
            }
        }

        if (caller.AllowsTierHeader && headers[TierHeader] is [{ Length: > 0 } headerTier]) (labels ??= new(StringComparer.Ordinal))["tier"] = headerTier.Trim();
        return (labels, null);
    }

    /// <summary>The upstreams that carry every label.</summary>
    public static List<Upstream> Filter(IReadOnlyList<Upstream> upstreams, Dictionary<string, string> labels)
    {
        var matching = new List<Upstream>(upstreams.Count);
        foreach (var upstream in upstreams)
        {
            if (Carries(upstream, labels)) matching.Add(upstream);
        }

        return matching;
    }

    /// <summary>The labels as <c>gpu=a100, tier=premium</c>, for error messages.</summary>
    public static string Describe(Dictionary<string, string> labels) =>
        string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));

    /// <summary>A label key or value: not blank, and free of the header's separators.</summary>
    public static bool IsValidPart(string? text) => !string.IsNullOrWhiteSpace(text) && text.AsSpan().IndexOfAny(",;=") < 0;

    /// <summary>Whether every key and value of a policy's or an upstream's labels could be selected by; no labels is valid.</summary>
    public static bool AreValidLabels(IReadOnlyDictionary<string, string>? labels) =>
        labels is null || labels.All(l => IsValidPart(l.Key) && IsValidPart(l.Value));

    private static bool Carries(Upstream upstream, Dictionary<string, string> labels)
    {
        foreach (var (key, value) in labels)
        {
            if (!upstream.Labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal)) return false;
        }

        return true;
    }
}
