using System.Globalization;
using System.Text;
using System.Text.Json;
using Json.Schema;

namespace Nexus.Contract;

/// <summary>
/// Turns JsonSchema.Net's hierarchical results into <c>path: message</c> strings (<c>$.functions[0].streaming: ...</c>).
/// The library reports every subschema it evaluated, including the <c>anyOf</c> alternative that failed beside one that
/// matched, an <c>if</c> that chose <c>else</c>, and a <c>not</c> whose subschema failed (so the <c>not</c> passed); this
/// walk follows only the failures that decide the verdict. It also corrects JsonSchema.Net 8's one known reporting bug:
/// an <c>items</c> entry after <c>prefixItems</c> is located at an index shifted down by the prefix's length (the verdict
/// itself is right).
/// </summary>
internal static class SchemaErrors
{
    public static List<string> Collect(EvaluationResults root, JsonElement instance)
    {
        var errors = new List<string>();
        Walk(root, null, instance, [], errors);
        if (errors.Count == 0) errors.Add("$: does not match the schema");
        return errors;
    }

    /// <summary>
    /// Collects a failing node's own errors and descends into the children that decide its verdict. <c>via</c> is the
    /// parent's keyword that led here (<c>additionalProperties</c>, ...); <c>shifts</c> correct the instance location
    /// (at segment <c>Position</c>, add <c>Offset</c>).
    /// </summary>
    private static void Walk(EvaluationResults node, string? via, JsonElement instance, List<(int Position, int Offset)> shifts, List<string> errors)
    {
        if (node.IsValid) return;
        var before = errors.Count;
        var location = Location(node.InstanceLocation.ToString(), instance, shifts);
        if (node.Errors is { Count: > 0 } own)
        {
            foreach (var (keyword, message) in own) errors.Add($"{location}: {Describe(keyword, message, via, node)}");
        }

        var children = (node.Details ?? []).Select(child => (Keyword: Keyword(node, child), Child: child)).ToList();
        var prefixItems = children.Count(c => c.Keyword == "prefixItems");
        foreach (var group in children.GroupBy(c => c.Keyword, StringComparer.Ordinal))
        {
            var valid = group.Count(c => c.Child.IsValid);
            switch (group.Key)
            {
                case "if" or "contains":
                    continue; // a failing "if" selects "else"; failing "contains" entries are reported by the parent
                case "anyOf" when valid > 0:
                case "oneOf" when valid == 1:
                    continue;
                case "oneOf" when valid > 1:
                    errors.Add($"{location}: matches {valid} of the oneOf alternatives; exactly one must match");
                    continue;
                case "not":
                    if (valid > 0) errors.Add($"{location}: must not match the 'not' schema");
                    continue;
            }

            foreach (var (keyword, child) in group)
            {
                var childShifts = shifts;
                if (keyword == "items" && prefixItems > 0)
                {
                    childShifts = [.. shifts, (Segments(child.InstanceLocation.ToString()).Count - 1, prefixItems)];
                }

                Walk(child, keyword, instance, childShifts, errors);
            }
        }

        if (errors.Count == before) errors.Add($"{location}: does not match the schema at {node.EvaluationPath}");
    }

    private static string Describe(string keyword, string message, string? via, EvaluationResults node) =>
        (keyword, via) switch
        {
            // A false schema: under additionalProperties it means a property the schema does not list.
            ("", "additionalProperties" or "unevaluatedProperties") => $"property '{Segments(node.InstanceLocation.ToString()).LastOrDefault()}' is not allowed",
            ("", _) => "no value is allowed here",
            // The library writes expected values as escaped JSON inside its message.
            _ => message.Replace("\\u0022", "\"", StringComparison.Ordinal),
        };

    /// <summary>The keyword that leads from a node to its child: the first evaluation-path segment past the parent's.</summary>
    private static string Keyword(EvaluationResults parent, EvaluationResults child)
    {
        var parentDepth = Segments(parent.EvaluationPath.ToString()).Count;
        var segments = Segments(child.EvaluationPath.ToString());
        return segments.Count > parentDepth ? segments[parentDepth] : string.Empty;
    }

    /// <summary>A JSON Pointer as a path in the instance: <c>/functions/0/name</c> becomes <c>$.functions[0].name</c>.</summary>
    private static string Location(string pointer, JsonElement instance, List<(int Position, int Offset)> shifts)
    {
        var segments = Segments(pointer);
        foreach (var (position, offset) in shifts)
        {
            if (position < segments.Count && int.TryParse(segments[position], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                segments[position] = (index + offset).ToString(CultureInfo.InvariantCulture);
            }
        }

        var path = new StringBuilder("$");
        JsonElement? current = instance;
        foreach (var segment in segments)
        {
            if (current is { ValueKind: JsonValueKind.Array } array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                path.Append('[').Append(segment).Append(']');
                current = index < array.GetArrayLength() ? array[index] : null;
            }
            else
            {
                path.Append('.').Append(segment);
                current = current is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty(segment, out var property) ? property : null;
            }
        }

        return path.ToString();
    }

    private static List<string> Segments(string pointer) =>
        (pointer.Length == 0 ? [] : pointer[1..].Split('/'))
            .Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
            .ToList();
}
