using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Nexus.Contract;

/// <summary>
/// One operation of a service: an HTTP endpoint with typed input and output. It maps 1:1 onto an MCP tool
/// (name, description, inputSchema, outputSchema), so agents and MCP clients can call it unchanged.
/// </summary>
public sealed record FunctionDescriptor
{
    /// <summary>Stable name, unique within the service: letters, digits, <c>_</c> and <c>-</c>, at most 64 characters.</summary>
    public required string Name { get; init; }

    /// <summary>A one-line summary.</summary>
    public string? Summary { get; init; }

    /// <summary>A longer description for humans and models.</summary>
    public string? Description { get; init; }

    /// <summary>HTTP method, upper case.</summary>
    public required string Method { get; init; }

    /// <summary>Path relative to the service's base URL, starting with <c>/</c>.</summary>
    public required string Path { get; init; }

    /// <summary>JSON Schema (draft 2020-12) of the request, generated from the .NET request type.</summary>
    public required JsonObject InputSchema { get; init; }

    /// <summary>JSON Schema of the JSON response, when the response is JSON.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonObject? OutputSchema { get; init; }

    /// <summary>Content types the request body may have (e.g. <c>application/json</c>, <c>multipart/form-data</c>).</summary>
    public IReadOnlyList<string> RequestContentTypes { get; init; } = [];

    /// <summary>Content types the response may have (e.g. <c>application/json</c>, <c>audio/wav</c>).</summary>
    public IReadOnlyList<string> ResponseContentTypes { get; init; } = [];

    /// <summary>One of <see cref="StreamingModes"/>.</summary>
    public string Streaming { get; init; } = StreamingModes.None;

    /// <summary>Example requests (and optionally responses) for docs, forms and tests.</summary>
    public IReadOnlyList<FunctionExample> Examples { get; init; } = [];

    /// <summary>How a UI should draw the function's form and its result.</summary>
    public UiHints Ui { get; init; } = new();

    /// <summary>What calling the function does to the world, as far as the service declares it; MCP tool annotations.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FunctionAnnotations? Annotations { get; init; }
}

/// <summary>
/// Hints about a function's effects, as MCP's tool annotations: unset means not declared (MCP then assumes a tool may
/// change and destroy things, and is not idempotent).
/// </summary>
public sealed record FunctionAnnotations
{
    /// <summary>The function changes nothing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? ReadOnly { get; init; }

    /// <summary>The function may delete or overwrite something (meaningful when not read-only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Destructive { get; init; }

    /// <summary>Calling it again with the same arguments has no further effect (meaningful when not read-only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Idempotent { get; init; }
}

/// <summary>How a function's response arrives.</summary>
public static class StreamingModes
{
    /// <summary>One complete response body.</summary>
    public const string None = "none";

    /// <summary>Server-sent events (<c>text/event-stream</c>).</summary>
    public const string Sse = "sse";

    /// <summary>A body written as it is produced (e.g. audio), chunked transfer encoding.</summary>
    public const string Chunked = "chunked";

    public static IReadOnlyList<string> All { get; } = [None, Sse, Chunked];
}

/// <summary>An example call of a function.</summary>
public sealed record FunctionExample
{
    public required string Name { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Summary { get; init; }

    public required JsonNode Input { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public JsonNode? Output { get; init; }
}

/// <summary>Hints for drawing a function's form. Fields not listed are drawn after the listed ones, in schema order.</summary>
public sealed record UiHints
{
    /// <summary>Input fields in the order a form shows them.</summary>
    public IReadOnlyList<string> Order { get; init; } = [];

    /// <summary>Per-field hints, keyed by the input property's JSON name.</summary>
    public IReadOnlyDictionary<string, UiFieldHint> Fields { get; init; } = new Dictionary<string, UiFieldHint>();

    /// <summary>How to show the result: one of <see cref="UiWidgets"/>; <c>null</c> lets the UI choose from the content type.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Result { get; init; }
}

/// <summary>How one input field is drawn.</summary>
public sealed record UiFieldHint
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Widget { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Label { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Help { get; init; }
}

/// <summary>The widgets a Nexus UI knows.</summary>
public static class UiWidgets
{
    public const string Text = "text";
    public const string Textarea = "textarea";
    public const string Number = "number";
    public const string Checkbox = "checkbox";
    public const string Select = "select";
    public const string Audio = "audio";
    public const string Image = "image";
    public const string File = "file";
    public const string Json = "json";
    public const string Markdown = "markdown";
    public const string Chat = "chat";
    public const string Hidden = "hidden";

    public static IReadOnlyList<string> All { get; } =
        [Text, Textarea, Number, Checkbox, Select, Audio, Image, File, Json, Markdown, Chat, Hidden];
}
