using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Services.Inference.Catalog;

namespace Nexus.Services.Inference.Pull;

/// <summary>Which configured upstream a pull goes to, or the problem that says why none can take it.</summary>
internal static class PullTargets
{
    public static Results<Ok<UpstreamOptions>, ProblemHttpResult> Resolve(IReadOnlyList<UpstreamOptions> upstreams, string? name)
    {
        var ollamas = upstreams.Where(u => u.Kind == Upstreams.OllamaKind).ToList();
        if (!string.IsNullOrWhiteSpace(name))
        {
            var named = upstreams.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
            if (named is null)
            {
                return PullApi.Problem(StatusCodes.Status400BadRequest, "Unknown upstream", $"'upstream' '{name}' is not configured here; Ollama upstreams: {Names(ollamas)}.");
            }

            if (named.Kind != Upstreams.OllamaKind)
            {
                return PullApi.Problem(StatusCodes.Status400BadRequest, "Upstream is not Ollama", $"'upstream' '{name}' is an '{named.Kind}' upstream; only Ollama upstreams can pull models. Ollama upstreams: {Names(ollamas)}.");
            }

            return TypedResults.Ok(named);
        }

        return ollamas.Count switch
        {
            1 => TypedResults.Ok(ollamas[0]),
            0 => PullApi.Problem(StatusCodes.Status503ServiceUnavailable, "No Ollama upstream", "No Ollama upstream is configured (Inference:Upstreams:N:Kind=ollama), so this service cannot pull models."),
            _ => PullApi.Problem(StatusCodes.Status400BadRequest, "Upstream required", $"'upstream' is required when several Ollama upstreams are configured: {Names(ollamas)}."),
        };
    }

    private static string Names(List<UpstreamOptions> upstreams) => upstreams.Count == 0 ? "none" : string.Join(", ", upstreams.Select(u => u.Name));
}
