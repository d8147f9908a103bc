using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;
using Nexus.Gateway.Security;

namespace Nexus.Gateway.Registry;

/// <summary>One problem with a registration, keyed by the field it concerns (<c>baseUrl</c>, <c>descriptor.endpoints.health</c>, ...).</summary>
internal sealed record FieldError(string Field, string Message);

/// <summary>
/// Checks what an instance asks to register: sound JSON (<see cref="StrictJson"/>), a base URL the address policy
/// allows, and a descriptor that satisfies the published schema and whose paths stay on that base URL. Every problem
/// is reported, keyed by the field it concerns.
/// </summary>
internal sealed class RegistrationValidator(UpstreamAddressPolicy addresses)
{
    /// <summary>
    /// Levels of nested objects and arrays a descriptor may have, itself the first. Every writer must be able to write
    /// back what was accepted, and System.Text.Json's stop at 64: the deepest today, the registry listing, puts a
    /// descriptor 3 levels down and an MCP <c>tools/list</c> wraps an input schema at most 3 levels deeper than a
    /// descriptor does, so 32 leaves room for both and more; generated schemas of real request types stay well inside it.
    /// </summary>
    public const int MaxDescriptorDepth = 32;

    private readonly JsonSchemaValidator _schema = JsonSchemaValidator.ForServiceDescriptor();

    /// <summary>Parses and validates a registration body; returns the request, or the errors by field.</summary>
    public async Task<(RegisterInstanceRequest? Request, Dictionary<string, string[]> Errors)> ValidateAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (StrictJson.Check(body.Span, MaxDescriptorDepth + 1) is { } problem)
        {
            var field = FieldOf(problem.Path);
            errors[field] = [problem.TooDeep ? TooDeep(problem.Path) : $"{problem.Path}: {problem.Message}"];
            return (null, errors);
        }

        if (JsonNode.Parse(body.Span) is not JsonObject obj)
        {
            errors["body"] = ["The body must be a JSON object with 'baseUrl' and 'descriptor'."];
            return (null, errors);
        }

        var baseUrl = obj["baseUrl"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        var urlError = baseUrl is null ? "'baseUrl' is required and must be a string." : await CheckBaseUrlAsync(baseUrl, cancellationToken);
        if (urlError is not null) errors["baseUrl"] = [urlError];

        if (obj["descriptor"] is not JsonObject descriptor)
        {
            errors["descriptor"] = ["'descriptor' is required and must be the instance's service descriptor (GET /v1/metadata)."];
            return (null, errors);
        }

        var (parsed, descriptorErrors) = ValidateDescriptor(descriptor);
        foreach (var group in descriptorErrors.GroupBy(e => e.Field)) errors[group.Key] = [.. group.Select(e => e.Message)];
        return errors.Count > 0 ? (null, errors) : (new RegisterInstanceRequest { BaseUrl = baseUrl!.TrimEnd('/'), Descriptor = parsed! }, errors);
    }

    /// <summary>Parses a descriptor served at <c>/v1/metadata</c> and validates it as a registration's.</summary>
    public (NexusServiceDescriptor? Descriptor, IReadOnlyList<FieldError> Errors) ParseDescriptor(ReadOnlySpan<byte> body)
    {
        if (StrictJson.Check(body, MaxDescriptorDepth) is { } problem)
        {
            return (null, [new("descriptor", problem.TooDeep ? TooDeep(problem.Path) : $"{problem.Path}: {problem.Message}")]);
        }

        return JsonNode.Parse(body) is JsonObject descriptor ? ValidateDescriptor(descriptor) : (null, [new("descriptor", "The descriptor must be a JSON object.")]);
    }

    /// <summary>Validates a descriptor against the published schema, reads it, and checks that its paths are paths.</summary>
    public (NexusServiceDescriptor? Descriptor, IReadOnlyList<FieldError> Errors) ValidateDescriptor(JsonNode descriptor)
    {
        var schemaErrors = _schema.Validate(descriptor);
        if (schemaErrors.Count > 0) return (null, [.. schemaErrors.Take(20).Select(e => new FieldError("descriptor", e))]);

        NexusServiceDescriptor? parsed;
        try
        {
            parsed = descriptor.Deserialize<NexusServiceDescriptor>(NexusJson.Options);
        }
        catch (JsonException ex)
        {
            return (null, [new("descriptor", $"The descriptor cannot be read: {ex.Message}")]);
        }

        if (parsed is null) return (null, [new("descriptor", "The descriptor must be a JSON object.")]);
        var pathErrors = Paths(parsed)
            .Select(p => RelativeEndpoint.Problem(p.Path) is { } why ? new FieldError("descriptor." + p.Field, $"'{Truncate(p.Path)}' {why}") : null)
            .OfType<FieldError>()
            .ToList();
        return pathErrors.Count > 0 ? (null, pathErrors) : (parsed, []);
    }

    /// <summary>Why a base URL is refused, or <c>null</c> when it is acceptable.</summary>
    public async Task<string?> CheckBaseUrlAsync(string baseUrl, CancellationToken cancellationToken)
    {
        if (UpstreamAddressPolicy.UrlProblem(baseUrl, out var url) is { } problem) return problem;
        if (url!.Query.Length > 0 || url.Fragment.Length > 0) return "The base URL must not have a query or fragment.";
        return (await addresses.CheckInstanceAsync(url, cancellationToken)).Problem;
    }

    /// <summary>Every path a descriptor declares, by its field.</summary>
    private static IEnumerable<(string Field, string Path)> Paths(NexusServiceDescriptor descriptor)
    {
        var endpoints = descriptor.Endpoints;
        yield return ("endpoints.health", endpoints.Health);
        yield return ("endpoints.alive", endpoints.Alive);
        yield return ("endpoints.metrics", endpoints.Metrics);
        yield return ("endpoints.openApi", endpoints.OpenApi);
        yield return ("endpoints.docs", endpoints.Docs);
        for (var i = 0; i < descriptor.Functions.Count; i++) yield return ($"functions[{i}].path", descriptor.Functions[i].Path);
    }

    private static string TooDeep(string path) =>
        $"{path}: the descriptor nests objects and arrays deeper than the registry accepts: at most {MaxDescriptorDepth} levels, the descriptor itself the first.";

    /// <summary>The top-level field a JSON path falls in (<c>$.descriptor.labels</c> is <c>descriptor</c>), or <c>body</c>.</summary>
    private static string FieldOf(string path)
    {
        if (!path.StartsWith("$.", StringComparison.Ordinal)) return "body";
        var rest = path[2..];
        var end = rest.IndexOfAny(['.', '[']);
        return end < 0 ? rest : rest[..end];
    }

    private static string Truncate(string text) => text.Length <= 100 ? text : text[..97] + "...";
}
