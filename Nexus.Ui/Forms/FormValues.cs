using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.Ui.Forms;

/// <summary>
/// Reads a filled form back into the JSON the function takes, and checks it before anything is sent: first what only
/// the form knows (a number that does not parse, a required field left empty, JSON that is not JSON), then the
/// function's own <c>inputSchema</c> with the contract's validator. Every error is keyed by its field's JSON path.
/// </summary>
internal static class FormValues
{
    public static (JsonObject Value, Dictionary<string, List<string>> Errors) Read(FormNode form, JsonObject inputSchema)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var value = (JsonObject)(ValueOf(form, errors) ?? new JsonObject());
        if (errors.Count == 0)
        {
            foreach (var error in new JsonSchemaValidator(inputSchema).Validate(value))
            {
                var split = error.IndexOf(": ", StringComparison.Ordinal);
                var (path, message) = split > 0 ? (error[..split], error[(split + 2)..]) : ("$", error);
                Add(errors, Owner(form, path), message);
            }
        }

        return (value, errors);
    }

    private static JsonNode? ValueOf(FormNode node, Dictionary<string, List<string>> errors)
    {
        switch (node.Kind)
        {
            case FieldKind.Object:
                if (!node.Required && !node.Included) return null;
                var obj = new JsonObject();
                foreach (var child in node.Children)
                {
                    if (ValueOf(child, errors) is { } childValue) obj[child.Name] = childValue;
                }

                return obj;
            case FieldKind.Array:
                var array = new JsonArray();
                foreach (var item in node.Children) array.Add(ValueOf(item, errors));
                return node.Children.Count == 0 && !node.Required ? null : array;
            case FieldKind.Boolean:
                return node.Required || node.Included ? JsonValue.Create(node.Checked) : null;
            case FieldKind.File:
                // Validated by name: the schema describes the form field, the bytes go in the multipart body.
                if (node.File is null && node.Required) Add(errors, node.Path, "Choose a file.");
                return node.File is null ? null : JsonValue.Create(node.File.Name);
        }

        var text = node.Text;
        if (string.IsNullOrEmpty(text))
        {
            if (node.Required && node.Kind is not (FieldKind.Text or FieldKind.Textarea or FieldKind.Hidden)) Add(errors, node.Path, "This field is required.");
            else if (node.Required) return JsonValue.Create("");
            return null;
        }

        switch (node.Kind)
        {
            case FieldKind.Integer:
                if (!long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    Add(errors, node.Path, "Must be a whole number.");
                    return null;
                }

                return InBounds(node, whole, errors) ? JsonValue.Create(whole) : null;
            case FieldKind.Number:
                if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
                {
                    Add(errors, node.Path, "Must be a number.");
                    return null;
                }

                return InBounds(node, number, errors) ? JsonValue.Create(number) : null;
            case FieldKind.Json:
                try
                {
                    return JsonNode.Parse(text);
                }
                catch (JsonException ex)
                {
                    Add(errors, node.Path, $"Not valid JSON: {ex.Message}");
                    return null;
                }

            default:
                return JsonValue.Create(text);
        }
    }

    private static bool InBounds(FormNode node, double value, Dictionary<string, List<string>> errors)
    {
        if (node.Minimum is { } min && value < min) Add(errors, node.Path, $"Must be at least {min.ToString(CultureInfo.InvariantCulture)}.");
        else if (node.Maximum is { } max && value > max) Add(errors, node.Path, $"Must be at most {max.ToString(CultureInfo.InvariantCulture)}.");
        else return true;
        return false;
    }

    /// <summary>The deepest field at or above an error's path, so an error inside an item shows at that item.</summary>
    private static string Owner(FormNode form, string path)
    {
        var best = form.Path;
        Visit(form);
        return best;

        void Visit(FormNode node)
        {
            if (path == node.Path || path.StartsWith(node.Path + ".", StringComparison.Ordinal) || path.StartsWith(node.Path + "[", StringComparison.Ordinal))
            {
                if (node.Path.Length > best.Length) best = node.Path;
                foreach (var child in node.Children) Visit(child);
            }
        }
    }

    private static void Add(Dictionary<string, List<string>> errors, string path, string message)
    {
        if (!errors.TryGetValue(path, out var list)) errors[path] = list = [];
        list.Add(message);
    }
}
