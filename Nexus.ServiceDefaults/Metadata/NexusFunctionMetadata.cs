using Nexus.Contract;

namespace Nexus.ServiceDefaults.Metadata;

/// <summary>Endpoint metadata that marks a minimal-API endpoint as a Nexus function, with what the endpoint itself cannot say.</summary>
public sealed class NexusFunctionMetadata
{
    internal NexusFunctionMetadata(string name) => Name = name;

    public string Name { get; }
    public string? Summary { get; internal set; }
    public string? Description { get; internal set; }
    public Type? InputType { get; internal set; }
    public Type? OutputType { get; internal set; }
    public IReadOnlyList<string>? RequestContentTypes { get; internal set; }
    public IReadOnlyList<string>? ResponseContentTypes { get; internal set; }
    public string Streaming { get; internal set; } = StreamingModes.None;
    public List<(string Name, string? Summary, object Input, object? Output)> Examples { get; } = [];
    public List<string> Order { get; } = [];
    public Dictionary<string, UiFieldHint> Fields { get; } = new(StringComparer.Ordinal);
    public string? ResultWidget { get; internal set; }
    public FunctionAnnotations? Annotations { get; internal set; }
}
