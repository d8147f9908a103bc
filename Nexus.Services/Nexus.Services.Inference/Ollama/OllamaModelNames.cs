using System.Text.RegularExpressions;
using Nexus.Contract;

namespace Nexus.Services.Inference.Ollama;

/// <summary>
/// Ollama's model names, <c>[host[:port]/][namespace/]model[:tag]</c>: checked before a pull so a typo is a 400 that says
/// what is wrong before anything is sent (Ollama checks again with its own rules), and read for the owner it lists.
/// </summary>
internal static partial class OllamaModelNames
{
    public const string Shape = "[host[:port]/][namespace/]model[:tag], e.g. qwen3:0.6b";

    /// <summary>Ollama's own default namespace, for a name that gives none (<c>llama3.2</c>).</summary>
    private const string DefaultNamespace = "library";

    public static bool IsValid(string name) => name.Length <= 350 && Name().IsMatch(name);

    /// <summary>
    /// The namespace of <paramref name="name"/>, which Ollama's <c>/v1/models</c> reports as <c>owned_by</c>: <c>library</c>
    /// for <c>llama3.2:latest</c>, <c>team</c> for <c>registry.local:5000/team/llama3.2:latest</c>.
    /// </summary>
    public static string Namespace(string name)
    {
        var untagged = ModelTags.HasTag(name) ? name[..name.LastIndexOf(':')] : name;
        var parts = untagged.Split('/');
        return parts.Length >= 2 ? parts[^2] : DefaultNamespace;
    }

    [GeneratedRegex(@"^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?::[0-9]{1,5})?/)?(?:[A-Za-z0-9][A-Za-z0-9._-]{0,79}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,79}(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,79})?$")]
    private static partial Regex Name();
}
