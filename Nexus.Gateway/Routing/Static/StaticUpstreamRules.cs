using Nexus.Gateway.Security;

namespace Nexus.Gateway.Routing.Static;

/// <summary>What makes a static route sound, checked alike for configuration at start and for the admin API.</summary>
internal static class StaticUpstreamRules
{
    public const int MaxNameLength = 256;
    public const int MaxUpstreams = 64;

    /// <summary>Problems with a route's name, as messages naming <paramref name="where"/>; empty when it is sound.</summary>
    public static IEnumerable<string> NameProblems(string name, string where)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            yield return $"{where} must be 1 to {MaxNameLength} characters without control characters.";
        }
    }

    /// <summary>Problems with a route's upstreams, each message naming its place (<paramref name="where"/> and the index).</summary>
    public static IEnumerable<string> UpstreamProblems(IReadOnlyList<StaticUpstream?>? upstreams, string where)
    {
        if (upstreams is null || upstreams.Count == 0)
        {
            yield return $"{where} lists no upstream.";
            yield break;
        }

        if (upstreams.Count > MaxUpstreams) yield return $"{where} lists {upstreams.Count} upstreams; at most {MaxUpstreams} are allowed.";
        for (var i = 0; i < upstreams.Count; i++)
        {
            if (upstreams[i] is not { } upstream)
            {
                yield return $"{where}:{i} is empty.";
                continue;
            }

            if (UpstreamAddressPolicy.UrlProblem(upstream.Url, out _) is { } problem) yield return $"{where}:{i}:Url: {problem}";
            if (!RouteSelector.AreValidLabels(upstream.Labels))
            {
                yield return $"{where}:{i}:Labels keys and values must be non-empty and contain no ',', ';' or '='.";
            }
        }
    }
}
