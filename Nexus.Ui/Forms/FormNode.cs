
namespace Nexus.Ui.Forms;

/// <summary>
/// One field of a generated form, built from a JSON Schema property: a scalar with its typed-in text, an object with
/// its fields, or an array with its items. <see cref="Path"/> is the JSON path the validator reports errors at
/// (<c>$.voice</c>, <c>$.messages[1].content</c>), so an error lands next to its field.
/// </summary>
public sealed class FormNode
{
    public required string Name { get; init; }
    public required string Path { get; set; }
    public required FieldKind Kind { get; init; }
    public required System.Text.Json.Nodes.JsonObject Schema { get; init; }
    public string Label { get; init; } = "";
    public string? Help { get; init; }
    public bool Required { get; init; }

    /// <summary>Values a select offers: the schema's <c>enum</c>, or for a select hint without one, the examples' values.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Whether the select must be one of <see cref="Options"/> (an enum) or only suggests them.</summary>
    public bool OptionsAreClosed { get; init; }

    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    public int? MaxLength { get; init; }
    public string? Accept { get; init; }

    /// <summary>The text of a scalar field as typed (numbers are parsed when the form is sent).</summary>
    public string Text { get; set; } = "";

    public bool Checked { get; set; }

    /// <summary>Whether an optional boolean or object is sent at all (unset booleans and objects are left out).</summary>
    public bool Included { get; set; }

    public UploadedFile? File { get; set; }

    public List<FormNode> Children { get; } = [];

    /// <summary>For an array: makes a new, empty item.</summary>
    public Func<int, FormNode>? NewItem { get; init; }

    public string Id => "f-" + Path.Replace("$", "", StringComparison.Ordinal).Replace(".", "-", StringComparison.Ordinal).Replace("[", "-", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Trim('-');

    public void AddItem() => Children.Add(NewItem!(Children.Count));

    public void RemoveItem(FormNode item)
    {
        Children.Remove(item);
        for (var i = 0; i < Children.Count; i++) Children[i].Renumber($"{Path}[{i}]");
    }

    private void Renumber(string path)
    {
        var old = Path;
        Path = path;
        foreach (var child in Children) child.Renumber(path + child.Path[old.Length..]);
    }
}

/// <summary>A file chosen for a multipart function, read into memory when chosen.</summary>
public sealed record UploadedFile(string Name, string ContentType, byte[] Content);
