using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Nexus.Agents.Specs;

namespace Nexus.Agents.Apis;

/// <summary><c>/v1/agents</c>: the agents in force and the spec files refused; the admin API puts and deletes specs.</summary>
internal static class SpecsApi
{
    private const int MaxSpecBytes = 256 * 1024;

    public static void MapSpecsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/agents").WithTags("Agents");
        group.MapGet("/", List).WithSummary("Lists the agents in force and the spec files that were refused, with every error.");
        group.MapGet("/specs/{name}", Get).WithSummary("One agent's spec in force.");
        group.MapPut("/specs/{name}", PutAsync).RequireAgentsAdmin().WithSummary("Puts an agent's YAML spec (admin key); refused with every error when invalid, and then the running agent keeps its spec.");
        group.MapDelete("/specs/{name}", Delete).RequireAgentsAdmin().WithSummary("Deletes an agent's spec (admin key).");
    }

    private static Ok<AgentList> List(SpecCatalog catalog) =>
        TypedResults.Ok(new AgentList([.. catalog.Agents.Select(AgentSummary.From)], catalog.Problems));

    private static Results<Ok<AgentSpec>, ProblemHttpResult> Get(string name, SpecCatalog catalog) =>
        catalog.Find(name) is { } spec ? TypedResults.Ok(spec) : TypedResults.Problem($"There is no agent '{name}'.", statusCode: StatusCodes.Status404NotFound);

    private static async Task<Results<Ok<AgentSummary>, ValidationProblem, ProblemHttpResult>> PutAsync(string name, HttpRequest request, SpecFolder folder, SpecCatalog catalog, CancellationToken cancellationToken)
    {
        if (!SpecParser.NamePattern().IsMatch(name)) return TypedResults.Problem($"'{name}' is not an agent name (lower-case letters, digits, dashes).", statusCode: StatusCodes.Status400BadRequest);
        if (request.ContentLength > MaxSpecBytes) return TypedResults.Problem($"A spec may be at most {MaxSpecBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var yaml = await reader.ReadToEndAsync(cancellationToken);
        if (yaml.Length > MaxSpecBytes) return TypedResults.Problem($"A spec may be at most {MaxSpecBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);

        // Validated before it is written: an invalid spec never reaches the folder, and the agent keeps the one in force.
        var parsed = SpecParser.Parse(yaml);
        var errors = parsed.Errors.ToList();
        if (parsed.Spec is { } spec && spec.Name != name) errors.Add($"name: '{spec.Name}' differs from the name in the URL, '{name}'.");
        if (errors.Count > 0) return Invalid(errors);

        var path = folder.FileFor(name);
        await File.WriteAllTextAsync(path, yaml, cancellationToken);
        var applied = folder.Load(path);
        if (applied.Count > 0) return Invalid(applied);
        return TypedResults.Ok(AgentSummary.From(catalog.Find(name)!));
    }

    private static Results<NoContent, ProblemHttpResult> Delete(string name, SpecFolder folder, SpecCatalog catalog)
    {
        if (catalog.Find(name) is null) return TypedResults.Problem($"There is no agent '{name}'.", statusCode: StatusCodes.Status404NotFound);
        var path = folder.FileFor(name);
        File.Delete(path);
        catalog.Remove(Path.GetFileName(path));
        return TypedResults.NoContent();
    }

    // Every error at once, keyed by the field each names (the text before the first ':').
    private static ValidationProblem Invalid(IEnumerable<string> errors) =>
        TypedResults.ValidationProblem(
            errors.GroupBy(e => e.Split(':', 2)[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Split(':', 2).Last().Trim()).ToArray()),
            title: "Invalid agent spec");
}

internal sealed record AgentList(IReadOnlyList<AgentSummary> Agents, IReadOnlyCollection<SpecProblem> Problems);

internal sealed record AgentSummary(string Name, string Model, string? Description, string ModelId, IReadOnlyList<string> Tools, IReadOnlyList<string> SubAgents, bool Adversary, bool Supplicant)
{
    public static AgentSummary From(AgentSpec spec) =>
        new(spec.Name, spec.Model, spec.Description, AgentModelCatalog.Prefix + spec.Name, spec.Tools.Allow, spec.Agents, spec.Adversary.Enabled, spec.Supplicant.Enabled);
}
