using System.Text.RegularExpressions;

namespace Nexus.Services.Inference.Pull;

/// <summary>
/// The shape of an Ollama model name, <c>[host[:port]/][namespace/]model[:tag]</c>, checked here so a typo is a 400
/// that says what is wrong before anything is sent; Ollama checks again with its own rules.
/// </summary>
internal static partial class OllamaModelNames
{
    public const string Shape = "[host[:port]/][namespace/]model[:tag], e.g. qwen3:0.6b";

    public static bool IsValid(string name) => name.Length <= 350 && Name().IsMatch(name);

    [GeneratedRegex(@"^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?::[0-9]{1,5})?/)?(?:[A-Za-z0-9][A-Za-z0-9._-]{0,79}/)?[A-Za-z0-9][A-Za-z0-9._-]{0,79}(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,79})?$")]
    private static partial Regex Name();
}
