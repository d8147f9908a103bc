namespace Nexus.Agents.Tools;

/// <summary>
/// A tool's name on the bus is <c>service.function</c> (what specs and policies name); models see it as
/// <c>service__function</c>, because OpenAI-compatible APIs allow only letters, digits, <c>_</c> and <c>-</c> in a
/// function name.
/// </summary>
public static class ToolNames
{
    public const string Separator = "__";

    public static string ForModel(string busName)
    {
        var dot = busName.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? busName : busName[..dot] + Separator + busName[(dot + 1)..];
    }

    public static string FromModel(string modelName)
    {
        var separator = modelName.IndexOf(Separator, StringComparison.Ordinal);
        return separator < 0 ? modelName : modelName[..separator] + "." + modelName[(separator + Separator.Length)..];
    }
}
