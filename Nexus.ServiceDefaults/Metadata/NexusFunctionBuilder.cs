using Nexus.Contract;

namespace Nexus.ServiceDefaults.Metadata;

/// <summary>Declares what a Nexus function needs beyond its endpoint: streaming, content types, examples and UI hints.</summary>
public sealed class NexusFunctionBuilder
{
    internal NexusFunctionBuilder(NexusFunctionMetadata metadata) => Metadata = metadata;

    internal NexusFunctionMetadata Metadata { get; }

    /// <summary>One-line summary; defaults to the endpoint's <c>WithSummary</c>.</summary>
    public NexusFunctionBuilder Summary(string summary)
    {
        Metadata.Summary = summary;
        return this;
    }

    /// <summary>Longer description; defaults to the endpoint's <c>WithDescription</c>.</summary>
    public NexusFunctionBuilder Description(string description)
    {
        Metadata.Description = description;
        return this;
    }

    /// <summary>The request type, when the endpoint does not bind a JSON body (forms, query parameters).</summary>
    public NexusFunctionBuilder Input<T>()
    {
        Metadata.InputType = typeof(T);
        return this;
    }

    /// <summary>The JSON response type, when the endpoint's typed results do not declare it.</summary>
    public NexusFunctionBuilder Output<T>()
    {
        Metadata.OutputType = typeof(T);
        return this;
    }

    /// <summary>Content types of the request body (default: those the endpoint accepts, or <c>application/json</c>).</summary>
    public NexusFunctionBuilder Accepts(params string[] contentTypes)
    {
        Metadata.RequestContentTypes = contentTypes;
        return this;
    }

    /// <summary>Content types of the response (default: those the endpoint declares, or <c>application/json</c>).</summary>
    public NexusFunctionBuilder Produces(params string[] contentTypes)
    {
        Metadata.ResponseContentTypes = contentTypes;
        return this;
    }

    /// <summary>How the response arrives: one of <see cref="StreamingModes"/>.</summary>
    public NexusFunctionBuilder Streaming(string mode)
    {
        if (!StreamingModes.All.Contains(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Use one of: {string.Join(", ", StreamingModes.All)}.");
        Metadata.Streaming = mode;
        return this;
    }

    /// <summary>An example request (serialised with the service's JSON options) and, optionally, its response.</summary>
    public NexusFunctionBuilder Example(string name, object input, object? output = null, string? summary = null)
    {
        Metadata.Examples.Add((name, summary, input, output));
        return this;
    }

    /// <summary>The order a form shows the input fields in (JSON property names).</summary>
    public NexusFunctionBuilder Order(params string[] fields)
    {
        Metadata.Order.AddRange(fields);
        return this;
    }

    /// <summary>How one input field is drawn: a widget from <see cref="UiWidgets"/>, a label and help text.</summary>
    public NexusFunctionBuilder Widget(string field, string widget, string? label = null, string? help = null)
    {
        if (!UiWidgets.All.Contains(widget)) throw new ArgumentOutOfRangeException(nameof(widget), widget, $"Use one of: {string.Join(", ", UiWidgets.All)}.");
        var current = Metadata.Fields.GetValueOrDefault(field) ?? new UiFieldHint();
        Metadata.Fields[field] = current with { Widget = widget, Label = label ?? current.Label, Help = help ?? current.Help };
        return this;
    }

    /// <summary>A label and help text for a field, keeping its widget.</summary>
    public NexusFunctionBuilder Field(string field, string? label = null, string? help = null)
    {
        var current = Metadata.Fields.GetValueOrDefault(field) ?? new UiFieldHint();
        Metadata.Fields[field] = current with { Label = label ?? current.Label, Help = help ?? current.Help };
        return this;
    }

    /// <summary>The function's effects, as MCP tool annotations: read-only, destructive, idempotent (unset: not declared).</summary>
    public NexusFunctionBuilder Annotate(bool? readOnly = null, bool? destructive = null, bool? idempotent = null)
    {
        Metadata.Annotations = new FunctionAnnotations { ReadOnly = readOnly, Destructive = destructive, Idempotent = idempotent };
        return this;
    }

    /// <summary>How to show the result (e.g. <c>audio</c> for speech, <c>image</c> for images).</summary>
    public NexusFunctionBuilder Result(string widget)
    {
        if (!UiWidgets.All.Contains(widget)) throw new ArgumentOutOfRangeException(nameof(widget), widget, $"Use one of: {string.Join(", ", UiWidgets.All)}.");
        Metadata.ResultWidget = widget;
        return this;
    }
}
