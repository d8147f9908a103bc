using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// One function as an MCP tool: its descriptor, the tool MCP clients see, and the validation of its arguments against
/// the tool's input schema. Shared by every service's own <c>/mcp</c> and the gateway's aggregate one.
/// </summary>
public sealed class FunctionTool
{
    private readonly Lazy<JsonSchemaValidator> _arguments;

    private FunctionTool(FunctionDescriptor function, Tool tool)
    {
        Function = function;
        Tool = tool;
        // Parsing a schema costs more than listing it: only a tool that is called pays for its validator.
        _arguments = new Lazy<JsonSchemaValidator>(() => new JsonSchemaValidator(JsonNode.Parse(tool.InputSchema.GetRawText())!));
    }

    /// <summary>The function as its descriptor declares it.</summary>
    public FunctionDescriptor Function { get; }

    /// <summary>The tool MCP clients see (named after the function, unless <see cref="For"/> was given another name).</summary>
    public Tool Tool { get; }

    /// <summary>True when <see cref="McpTools.ToTool"/> wrapped a non-object input in an <c>input</c> property.</summary>
    public bool WrapsInput => Function.InputSchema["type"]?.GetValueKind() != JsonValueKind.String
        || Function.InputSchema["type"]!.GetValue<string>() != "object";

    /// <summary>
    /// The function's tool, or null for a function an MCP client cannot call: one whose body is only a form
    /// (<c>multipart/form-data</c>, e.g. OCR's image upload), whose descriptor schema describes the form's text fields,
    /// not the file. Functions with a JSON body, or none (route and query values), are tools.
    /// </summary>
    /// <param name="function">The descriptor's function.</param>
    /// <param name="name">The tool's name; the function's name when null.</param>
    public static FunctionTool? For(FunctionDescriptor function, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (!IsCallable(function)) return null;
        var tool = McpTools.ToTool(function);
        if (name is not null) tool.Name = name;
        return new FunctionTool(function, tool);
    }

    /// <summary>Whether an MCP client can send what the function takes (see <see cref="For"/>).</summary>
    public static bool IsCallable(FunctionDescriptor function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.RequestContentTypes.Count == 0
            || function.RequestContentTypes.Any(type => type.Equals("application/json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every way the arguments break the input schema, as <c>path: message</c>; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate(JsonObject arguments) => _arguments.Value.Validate(arguments);

    /// <summary>A tool call's arguments as one JSON object.</summary>
    public static JsonObject Arguments(IDictionary<string, JsonElement>? arguments)
    {
        var json = new JsonObject();
        foreach (var (key, value) in arguments ?? new Dictionary<string, JsonElement>())
        {
            json[key] = JsonSerializer.SerializeToNode(value);
        }

        return json;
    }
}
