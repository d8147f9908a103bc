namespace Nexus.Contract;

/// <summary>
/// Model ids in Ollama's (and Docker's) convention, where an untagged name stands for its <c>:latest</c> tag:
/// Ollama lists <c>llama3.2:latest</c> and its users write <c>llama3.2</c>.
/// </summary>
public static class ModelTags
{
    private const string Latest = ":latest";

    /// <summary>The id an untagged name stands for (<c>llama3.2</c> to <c>llama3.2:latest</c>); null when the name has a tag.</summary>
    public static string? LatestOf(string name) => HasTag(name) ? null : name + Latest;

    /// <summary>The untagged name a <c>:latest</c> id stands for (<c>llama3.2:latest</c> to <c>llama3.2</c>); null for any other id.</summary>
    public static string? UntaggedOf(string id) =>
        id.EndsWith(Latest, StringComparison.Ordinal) && id[..^Latest.Length] is { Length: > 0 } name && !HasTag(name) ? name : null;

    /// <summary>Whether two ids name one model: equal, or one is the other's untagged name (<c>llama3.2</c>, <c>llama3.2:latest</c>).</summary>
    public static bool Same(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal) || IsLatestOf(a, b) || IsLatestOf(b, a);

    private static bool IsLatestOf(string name, string tagged) =>
        tagged.Length == name.Length + Latest.Length
        && tagged.StartsWith(name, StringComparison.Ordinal)
        && tagged.EndsWith(Latest, StringComparison.Ordinal)
        && !HasTag(name);

    /// <summary>A colon before the last <c>/</c> is a registry's port (<c>registry.local:5000/llama3.2</c>), not a tag.</summary>
    public static bool HasTag(string name) => name.AsSpan(name.LastIndexOf('/') + 1).Contains(':');
}
