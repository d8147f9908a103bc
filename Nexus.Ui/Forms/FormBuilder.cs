using System.Globalization;
using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Ui.Forms;

/// <summary>
/// Turns a function's <c>inputSchema</c> and UI hints into form fields. Schemas come from .NET's JsonSchemaExporter
/// (and from services in other languages), so this reads what such schemas hold: type lists with <c>null</c> for optional
/// values, numbers that also admit their string form, <c>enum</c>, <c>$ref</c> pointers into the same schema, nested
/// objects and arrays, <c>default</c>, <c>minimum</c>/<c>maximum</c>, <c>maxLength</c> and descriptions.
/// </summary>
internal static class FormBuilder
{
    private const int MaxDepth = 12;

    public static FormNode Build(FunctionDescriptor function)
    {
        var root = function.InputSchema;
        var multipart = function.RequestContentTypes.Contains("multipart/form-data", StringComparer.OrdinalIgnoreCase);
        var form = new FormNode { Name = "", Path = "$", Kind = FieldKind.Object, Schema = root, Required = true, Included = true };
        var suggestions = Suggestions(function);
        foreach (var name in Ordered(root, function.Ui))
        {
            var schema = Resolve(root, root["properties"]![name]!.AsObject(), 0);
            var hint = function.Ui.Fields.GetValueOrDefault(name);
            form.Children.Add(Field(root, name, "$." + name, schema, hint, IsRequired(root, name), multipart, suggestions.GetValueOrDefault(name) ?? [], 1));
        }

        if (function.Examples.FirstOrDefault()?.Input is JsonObject example) Fill(form, example);
        return form;
    }

    /// <summary>The hints' order first, then the schema's remaining properties in schema order.</summary>
    private static IEnumerable<string> Ordered(JsonObject schema, UiHints ui)
    {
        var properties = (schema["properties"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];
        return ui.Order.Where(properties.Contains).Concat(properties.Where(p => !ui.Order.Contains(p))).Distinct(StringComparer.Ordinal);
    }

    private static FormNode Field(JsonObject root, string name, string path, JsonObject schema, UiFieldHint? hint, bool required, bool multipart, IReadOnlyList<string> suggestions, int depth)
    {
        var types = Types(schema);
        var kind = KindOf(schema, types, hint?.Widget, multipart, name);
        var node = new FormNode
        {
            Name = name,
            Path = path,
            Kind = kind,
            Schema = schema,
            Label = hint?.Label ?? Humanize(name),
            Help = hint?.Help ?? schema["description"]?.ToString(),
            Required = required,
            Options = schema["enum"] is JsonArray values ? values.Where(v => v is not null).Select(v => v!.ToString()).ToList() : suggestions,
            OptionsAreClosed = schema["enum"] is JsonArray,
            Minimum = Number(schema["minimum"] ?? schema["exclusiveMinimum"]),
            Maximum = Number(schema["maximum"] ?? schema["exclusiveMaximum"]),
            MaxLength = (int?)Number(schema["maxLength"]),
            Accept = hint?.Widget switch { UiWidgets.Audio => "audio/*", UiWidgets.Image => "image/*", _ => null },
            Included = required,
            NewItem = kind == FieldKind.Array && depth < MaxDepth && schema["items"] is JsonObject items
                ? index => Field(root, "", $"{path}[{index}]", Resolve(root, items, depth), null, true, false, [], depth + 1)
                : null,
        };

        if (kind == FieldKind.Object && depth < MaxDepth && schema["properties"] is JsonObject properties)
        {
            foreach (var (child, childSchema) in properties)
            {
                if (childSchema is JsonObject s) node.Children.Add(Field(root, child, $"{path}.{child}", Resolve(root, s, depth), null, IsRequired(schema, child), false, [], depth + 1));
            }
        }

        if (schema["default"] is { } value) Fill(node, value);
        return node;
    }

    private static FieldKind KindOf(JsonObject schema, HashSet<string> types, string? widget, bool multipart, string name)
    {
        if (widget is UiWidgets.Hidden) return FieldKind.Hidden;
        if (multipart && (widget is UiWidgets.File or UiWidgets.Audio or UiWidgets.Image || (widget is null && name == "file"))) return FieldKind.File;
        if (widget is UiWidgets.Json) return FieldKind.Json;
        if (types.Contains("object") || schema["properties"] is JsonObject) return FieldKind.Object;
        if (types.Contains("array")) return FieldKind.Array;
        if (types.Contains("boolean")) return FieldKind.Boolean;
        if (types.Contains("integer")) return FieldKind.Integer;
        if (types.Contains("number")) return FieldKind.Number;
        if (schema["enum"] is JsonArray || widget is UiWidgets.Select) return FieldKind.Select;
        return widget is UiWidgets.Textarea or UiWidgets.Markdown ? FieldKind.Textarea : FieldKind.Text;
    }

    /// <summary>The schema's types, <c>null</c> left out; the first non-null branch of an <c>anyOf</c>/<c>oneOf</c>.</summary>
    internal static HashSet<string> Types(JsonObject schema)
    {
        var types = schema["type"] switch
        {
            JsonArray list => list.Select(t => t!.ToString()).ToHashSet(StringComparer.Ordinal),
            JsonValue one => [one.ToString()],
            _ => new HashSet<string>(StringComparer.Ordinal),
        };
        types.Remove("null");
        return types;
    }

    /// <summary>Follows a local <c>$ref</c> (<c>#/...</c>) and picks the first non-null branch of a union.</summary>
    internal static JsonObject Resolve(JsonObject root, JsonObject schema, int depth)
    {
        for (var i = 0; i < MaxDepth && depth + i < MaxDepth * 2; i++)
        {
            if (schema["$ref"]?.ToString() is { } reference && reference.StartsWith('#'))
            {
                JsonNode? target = root;
                foreach (var segment in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
                {
                    target = target?[Uri.UnescapeDataString(segment).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
                }

                if (target is not JsonObject resolved) return schema;
                schema = Merge(resolved, schema);
                continue;
            }

            if ((schema["anyOf"] ?? schema["oneOf"]) is JsonArray union && union.OfType<JsonObject>().FirstOrDefault(b => !(Types(b).Count == 0 && b["type"]?.ToString() == "null")) is { } branch)
            {
                schema = Merge(branch, schema);
                continue;
            }

            return schema;
        }

        return schema;
    }

    // The referring schema's own description and default win over the target's.
    private static JsonObject Merge(JsonObject target, JsonObject referrer)
    {
        var merged = target.DeepClone().AsObject();
        foreach (var key in new[] { "description", "default" })
        {
            if (referrer[key] is { } value) merged[key] = value.DeepClone();
        }

        return merged;
    }

    private static bool IsRequired(JsonObject schema, string name) =>
        schema["required"] is JsonArray required && required.Any(r => r?.ToString() == name);

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && double.TryParse(value.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>For a select hint without an enum: the values the examples use, offered as suggestions.</summary>
    private static Dictionary<string, IReadOnlyList<string>> Suggestions(FunctionDescriptor function) =>
        function.Ui.Fields.Where(f => f.Value.Widget == UiWidgets.Select).ToDictionary(
            f => f.Key,
            f => (IReadOnlyList<string>)function.Examples.Select(e => e.Input[f.Key]?.ToString()).OfType<string>().Distinct().ToList(),
            StringComparer.Ordinal);

    /// <summary>Puts a JSON value (an example or a default) into a field and its children.</summary>
    public static void Fill(FormNode node, JsonNode? value)
    {
        if (value is null) return;
        switch (node.Kind)
        {
            case FieldKind.Object when value is JsonObject obj:
                node.Included = true;
                foreach (var child in node.Children) Fill(child, obj[child.Name]);
                break;
            case FieldKind.Array when value is JsonArray array && node.NewItem is not null:
                node.Children.Clear();
                foreach (var item in array)
                {
                    node.AddItem();
                    Fill(node.Children[^1], item);
                }

                break;
            case FieldKind.Boolean when value is JsonValue flag && flag.TryGetValue<bool>(out var b):
                node.Checked = b;
                node.Included = true;
                break;
            case FieldKind.Json:
                node.Text = value.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
                break;
            case FieldKind.File:
                break;
            default:
                node.Text = value is JsonValue v ? v.ToString() : value.ToJsonString();
                break;
        }
    }

    /// <summary><c>response_format</c> becomes "Response format".</summary>
    internal static string Humanize(string name)
    {
        if (name.Length == 0) return name;
        var words = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c is '_' or '-') { words.Append(' '); continue; }
            if (i > 0 && char.IsUpper(c) && char.IsLower(name[i - 1])) words.Append(' ');
            words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
        }

        return words.ToString();
    }
}
