using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Nexus.Contract;

/// <summary>
/// A JSON Schema validator for the keywords the contract and the public schemas we check against use
/// (drafts 07 and 2020-12): types, enum/const, object and array keywords, string and number bounds,
/// the combinators, if/then/else and local <c>$ref</c>. <c>format</c> is an annotation, as the drafts allow.
/// No validator package is available to us, so this is ours; it is small on purpose.
/// </summary>
public sealed class JsonSchemaValidator
{
    private const int MaxDepth = 64;
    private readonly JsonNode _root;
    private readonly ConcurrentDictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    public JsonSchemaValidator(JsonNode schema) => _root = schema ?? throw new ArgumentNullException(nameof(schema));

    /// <summary>The published schema of the service descriptor, as served at <c>/v1/metadata/schema</c>.</summary>
    public static string ServiceDescriptorSchemaText { get; } = ReadEmbeddedSchema();

    /// <summary>A validator for the service descriptor.</summary>
    public static JsonSchemaValidator ForServiceDescriptor() => new(JsonNode.Parse(ServiceDescriptorSchemaText)!);

    /// <summary>Validates an instance; returns every error found as <c>path: message</c>, empty when valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance)
    {
        var errors = new List<string>();
        Check(_root, instance, "$", errors, 0);
        return errors;
    }

    private bool Check(JsonNode? schema, JsonNode? instance, string path, List<string>? errors, int depth)
    {
        if (depth > MaxDepth)
        {
            errors?.Add($"{path}: schema nesting too deep");
            return false;
        }

        if (schema is JsonValue boolean && boolean.TryGetValue<bool>(out var allowed))
        {
            if (!allowed) errors?.Add($"{path}: no value is allowed here");
            return allowed;
        }

        if (schema is not JsonObject s) return true;
        var ok = true;

        void Fail(string message)
        {
            ok = false;
            errors?.Add($"{path}: {message}");
        }

        if (s["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var pointer))
        {
            ok &= Check(Resolve(pointer), instance, path, errors, depth + 1);
        }

        if (s["type"] is { } type && !MatchesType(type, instance))
        {
            Fail($"expected {type.ToJsonString()}, found {KindOf(instance)}");
            return false;
        }

        if (s.ContainsKey("const"))
        {
            if (!JsonNode.DeepEquals(s["const"], instance)) Fail($"must equal {s["const"]?.ToJsonString() ?? "null"}");
        }

        if (s["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, instance)))
        {
            Fail($"must be one of {options.ToJsonString()}");
        }

        switch (instance)
        {
            case JsonObject obj:
                ok &= CheckObject(s, obj, path, errors, depth);
                break;
            case JsonArray array:
                ok &= CheckArray(s, array, path, errors, depth);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                CheckString(s, value.GetValue<string>(), Fail);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                CheckNumber(s, value.GetValue<double>(), Fail);
                break;
        }

        if (s["allOf"] is JsonArray allOf)
        {
            foreach (var sub in allOf) ok &= Check(sub, instance, path, errors, depth + 1);
        }

        if (s["anyOf"] is JsonArray anyOf && !anyOf.Any(sub => Check(sub, instance, path, null, depth + 1)))
        {
            Fail("matches none of the anyOf alternatives");
        }

        if (s["oneOf"] is JsonArray oneOf)
        {
            var matches = oneOf.Count(sub => Check(sub, instance, path, null, depth + 1));
            if (matches != 1) Fail($"must match exactly one oneOf alternative, matches {matches}");
        }

        if (s["not"] is { } not && Check(not, instance, path, null, depth + 1)) Fail("must not match the 'not' schema");

        if (s["if"] is { } condition)
        {
            var branch = Check(condition, instance, path, null, depth + 1) ? s["then"] : s["else"];
            if (branch is not null) ok &= Check(branch, instance, path, errors, depth + 1);
        }

        return ok;
    }

    private bool CheckObject(JsonObject s, JsonObject obj, string path, List<string>? errors, int depth)
    {
        var ok = true;
        if (s["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => r!.GetValue<string>()).Where(n => !obj.ContainsKey(n)))
            {
                ok = false;
                errors?.Add($"{path}: missing required property '{name}'");
            }
        }

        var properties = s["properties"] as JsonObject;
        var patternProperties = s["patternProperties"] as JsonObject;
        foreach (var (name, value) in obj)
        {
            var childPath = $"{path}.{name}";
            var matched = false;
            if (properties?.ContainsKey(name) == true)
            {
                matched = true;
                ok &= Check(properties![name], value, childPath, errors, depth + 1);
            }

            if (patternProperties is not null)
            {
                foreach (var (pattern, patternSchema) in patternProperties.Where(p => Pattern(p.Key).IsMatch(name)))
                {
                    matched = true;
                    ok &= Check(patternSchema, value, childPath, errors, depth + 1);
                }
            }

            if (s["propertyNames"] is { } propertyNames)
            {
                ok &= Check(propertyNames, JsonValue.Create(name), $"{path}[name '{name}']", errors, depth + 1);
            }

            if (!matched && s.ContainsKey("additionalProperties"))
            {
                if (s["additionalProperties"] is JsonValue flag && flag.TryGetValue<bool>(out var additionalAllowed) && !additionalAllowed)
                {
                    ok = false;
                    errors?.Add($"{path}: property '{name}' is not allowed");
                }
                else
                {
                    ok &= Check(s["additionalProperties"], value, childPath, errors, depth + 1);
                }
            }
        }

        return ok;
    }

    private bool CheckArray(JsonObject s, JsonArray array, string path, List<string>? errors, int depth)
    {
        var ok = true;
        void Fail(string message)
        {
            ok = false;
            errors?.Add($"{path}: {message}");
        }

        if (Number(s, "minItems") is { } minItems && array.Count < minItems) Fail($"must have at least {minItems} items");
        if (Number(s, "maxItems") is { } maxItems && array.Count > maxItems) Fail($"must have at most {maxItems} items");

        var prefix = s["prefixItems"] as JsonArray ?? s["items"] as JsonArray;
        var prefixCount = prefix?.Count ?? 0;
        for (var i = 0; i < array.Count; i++)
        {
            var itemSchema = i < prefixCount ? prefix![i] : (s["items"] is JsonArray ? s["additionalItems"] : s["items"]);
            if (itemSchema is not null) ok &= Check(itemSchema, array[i], $"{path}[{i}]", errors, depth + 1);
        }

        if (s["uniqueItems"] is JsonValue unique && unique.TryGetValue<bool>(out var mustBeUnique) && mustBeUnique)
        {
            for (var i = 0; i < array.Count; i++)
            {
                for (var j = i + 1; j < array.Count; j++)
                {
                    if (JsonNode.DeepEquals(array[i], array[j])) Fail($"items {i} and {j} are equal");
                }
            }
        }

        return ok;
    }

    private void CheckString(JsonObject s, string text, Action<string> fail)
    {
        var length = text.EnumerateRunes().Count();
        if (Number(s, "minLength") is { } minLength && length < minLength) fail($"must be at least {minLength} characters");
        if (Number(s, "maxLength") is { } maxLength && length > maxLength) fail($"must be at most {maxLength} characters");
        if (s["pattern"] is JsonValue pattern && !Pattern(pattern.GetValue<string>()).IsMatch(text))
        {
            fail($"'{Truncate(text)}' does not match {pattern.GetValue<string>()}");
        }
    }

    private static void CheckNumber(JsonObject s, double number, Action<string> fail)
    {
        if (Number(s, "minimum") is { } minimum && number < minimum) fail($"must be >= {minimum.ToString(CultureInfo.InvariantCulture)}");
        if (Number(s, "maximum") is { } maximum && number > maximum) fail($"must be <= {maximum.ToString(CultureInfo.InvariantCulture)}");
        if (Number(s, "exclusiveMinimum") is { } exclusiveMinimum && number <= exclusiveMinimum) fail($"must be > {exclusiveMinimum}");
        if (Number(s, "exclusiveMaximum") is { } exclusiveMaximum && number >= exclusiveMaximum) fail($"must be < {exclusiveMaximum}");
    }

    private JsonNode? Resolve(string pointer)
    {
        if (!pointer.StartsWith('#')) throw new NotSupportedException($"Only local $ref is supported, not '{pointer}'.");
        JsonNode? node = _root;
        foreach (var raw in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject o => o[segment],
                JsonArray a when int.TryParse(segment, CultureInfo.InvariantCulture, out var index) => a[index],
                _ => null,
            };
        }

        return node ?? throw new InvalidOperationException($"$ref '{pointer}' does not resolve.");
    }

    private static bool MatchesType(JsonNode type, JsonNode? instance) => type switch
    {
        JsonArray types => types.Any(t => MatchesType(t!, instance)),
        JsonValue single => single.GetValue<string>() switch
        {
            "null" => instance is null,
            "object" => instance is JsonObject,
            "array" => instance is JsonArray,
            "string" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.String,
            "boolean" => instance is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            "number" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
            "integer" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number && Math.Floor(v.GetValue<double>()) == v.GetValue<double>(),
            _ => true,
        },
        _ => true,
    };

    private static string KindOf(JsonNode? instance) => instance switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind().ToString().ToLowerInvariant(),
        _ => "unknown",
    };

    private static double? Number(JsonObject s, string keyword) =>
        s[keyword] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<double>() : null;

    private Regex Pattern(string pattern) =>
        _patterns.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string ReadEmbeddedSchema()
    {
        using var stream = typeof(JsonSchemaValidator).Assembly.GetManifestResourceStream("Nexus.Contract.service-descriptor.schema.json")
            ?? throw new InvalidOperationException("The service descriptor schema is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
