using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Nexus.Agents.Specs;

/// <summary>The outcome of reading a spec: the spec, or every error found, each naming its field.</summary>
public sealed record SpecParseResult(AgentSpec? Spec, IReadOnlyList<string> Errors)
{
    public bool IsValid => Spec is not null && Errors.Count == 0;
}

/// <summary>
/// Reads YAML agent specs. Unknown keys are found by walking the document against the spec's types (YamlDotNet stops at
/// the first one), so a spec with several mistakes is answered with all of them at once.
/// </summary>
public static partial class SpecParser
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    public static SpecParseResult Parse(string yaml)
    {
        var errors = new List<string>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            return new SpecParseResult(null, [$"yaml: {Describe(ex)}"]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new SpecParseResult(null, ["spec: must be a YAML mapping with at least 'name', 'instructions' and 'model'."]);
        }

        CheckKeys(root, typeof(AgentSpec), "", errors);
        AgentSpec? spec = null;
        try
        {
            spec = Deserializer.Deserialize<AgentSpec>(yaml) ?? new AgentSpec();
        }
        catch (YamlException ex)
        {
            errors.Add($"{PathAt(root, ex.Start)}: {Describe(ex)}");
        }

        if (spec is not null) Validate(spec, errors);
        return new SpecParseResult(errors.Count == 0 ? spec : null, errors);
    }

    /// <summary>What is wrong with a spec's values, every field at once.</summary>
    public static void Validate(AgentSpec spec, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(spec.Name)) errors.Add("name: is required.");
        else if (!NamePattern().IsMatch(spec.Name)) errors.Add($"name: '{spec.Name}' must be lower-case letters, digits and dashes, starting with a letter, at most 48 characters.");
        if (string.IsNullOrWhiteSpace(spec.Instructions)) errors.Add("instructions: is required.");
        if (string.IsNullOrWhiteSpace(spec.Model)) errors.Add("model: is required (a model the gateway serves).");
        else if (spec.Model.StartsWith("agent:", StringComparison.Ordinal)) errors.Add("model: must be a gateway model, not another agent; declare agents to spawn under 'agents'.");

        Globs("tools.allow", spec.Tools.Allow, errors);
        Globs("tools.deny", spec.Tools.Deny, errors);
        Globs("tools.approve", spec.Tools.Approve, errors);
        for (var i = 0; i < spec.Tools.Grants.Count; i++)
        {
            var grant = spec.Tools.Grants[i];
            if (string.IsNullOrWhiteSpace(grant.Tool) || grant.Tool.Contains('*', StringComparison.Ordinal) || grant.Tool.Contains('?', StringComparison.Ordinal))
                errors.Add($"tools.grants[{i}].tool: must name one tool exactly; a grant never covers a set of tools.");
            if (grant.Arguments.Count == 0)
                errors.Add($"tools.grants[{i}].arguments: must scope the grant by at least one argument; a tool-wide grant belongs in tools.allow.");
            foreach (var (argument, pattern) in grant.Arguments)
            {
                if (string.IsNullOrEmpty(pattern)) errors.Add($"tools.grants[{i}].arguments.{argument}: must not be empty.");
            }
        }

        var budgets = spec.Budgets;
        if (budgets.Tokens <= 0) errors.Add("budgets.tokens: must be positive.");
        if (budgets.ToolCalls < 0) errors.Add("budgets.toolCalls: must not be negative.");
        if (budgets.WallTimeSeconds <= 0) errors.Add("budgets.wallTimeSeconds: must be positive.");
        if (budgets.SpawnDepth is < 0 or > 8) errors.Add("budgets.spawnDepth: must be between 0 and 8.");
        if (budgets.SpawnCount < 0) errors.Add("budgets.spawnCount: must not be negative.");
        if (budgets.RepeatedCalls < 2) errors.Add("budgets.repeatedCalls: must be at least 2.");
        if (spec.Memory.Recall is < 0 or > 50) errors.Add("memory.recall: must be between 0 and 50.");
        if (spec.Memory.LongTerm && string.IsNullOrWhiteSpace(spec.Memory.EmbeddingModel)) errors.Add("memory.embeddingModel: is required when memory.longTerm is on.");
        for (var i = 0; i < spec.Agents.Count; i++)
        {
            if (!NamePattern().IsMatch(spec.Agents[i] ?? "")) errors.Add($"agents[{i}]: '{spec.Agents[i]}' is not an agent name.");
            else if (spec.Agents[i] == spec.Name) errors.Add($"agents[{i}]: an agent cannot spawn itself.");
        }

        if (spec.Adversary.Rounds is < 1 or > 10) errors.Add("adversary.rounds: must be between 1 and 10.");
        Globs("adversary.tools", spec.Adversary.Tools, errors);
        spec.Adversary.Checkpoints ??= new AdversaryCheckpoints(); // "checkpoints:" with nothing under it
        spec.Adversary.Checkpoints.After ??= [];
        Globs("adversary.checkpoints.after", spec.Adversary.Checkpoints.After, errors);
        if (spec.Adversary.Checkpoints.EveryToolCalls < 0) errors.Add("adversary.checkpoints.everyToolCalls: must not be negative (0 turns it off).");
        if (spec.Adversary.Checkpoints.IsDeclared() && !spec.Adversary.Enabled) errors.Add("adversary.checkpoints: needs adversary.enabled: true; a disabled Adversary reviews nothing.");
    }

    private static void Globs(string field, List<string> globs, List<string> errors)
    {
        for (var i = 0; i < globs.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(globs[i]) || !GlobPattern().IsMatch(globs[i]))
                errors.Add($"{field}[{i}]: '{globs[i]}' is not a tool name or glob (letters, digits, '.', '_', '-', '*', '?').");
        }
    }

    // Walks a mapping against the type it binds to and reports each key the type does not have.
    private static void CheckKeys(YamlMappingNode node, Type type, string path, List<string> errors)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .ToDictionary(p => CamelCaseNamingConvention.Instance.Apply(p.Name), StringComparer.Ordinal);
        foreach (var (keyNode, value) in node.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "?";
            var at = path.Length == 0 ? key : $"{path}.{key}";
            if (!properties.TryGetValue(key, out var property))
            {
                errors.Add($"{at}: unknown field; {(path.Length == 0 ? "a spec" : path)} has {string.Join(", ", properties.Keys)}.");
                continue;
            }

            var propertyType = property.PropertyType;
            if (value is YamlMappingNode mapping && IsSpecType(propertyType)) CheckKeys(mapping, propertyType, at, errors);
            else if (value is YamlSequenceNode sequence && propertyType.IsGenericType && typeof(IList).IsAssignableFrom(propertyType)
                && propertyType.GetGenericArguments()[0] is var element && IsSpecType(element))
            {
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    if (sequence.Children[i] is YamlMappingNode item) CheckKeys(item, element, $"{at}[{i}]", errors);
                }
            }
        }
    }

    private static bool IsSpecType(Type type) => type.Namespace == typeof(AgentSpec).Namespace && type.IsClass;

    // The dotted path of the key whose value starts at the error's position, so a type error names its field.
    private static string PathAt(YamlMappingNode root, Mark position)
    {
        string? best = null;
        void Visit(YamlNode node, string path)
        {
            if (node.Start.Line == position.Line && node.Start.Column <= position.Column) best = path;
            if (node is YamlMappingNode mapping)
            {
                foreach (var (k, v) in mapping.Children) Visit(v, path.Length == 0 ? ((YamlScalarNode)k).Value ?? "?" : $"{path}.{((YamlScalarNode)k).Value}");
            }
            else if (node is YamlSequenceNode sequence)
            {
                for (var i = 0; i < sequence.Children.Count; i++) Visit(sequence.Children[i], $"{path}[{i}]");
            }
        }

        Visit(root, "");
        return string.IsNullOrEmpty(best) ? $"line {position.Line}" : best;
    }

    private static string Describe(YamlException ex) =>
        $"{(ex.InnerException?.Message ?? ex.Message).Split(Environment.NewLine)[0]} (line {ex.Start.Line}, column {ex.Start.Column})";

    [GeneratedRegex("^[a-z][a-z0-9-]{0,47}$")]
    internal static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._*?-]+$")]
    private static partial Regex GlobPattern();
}
