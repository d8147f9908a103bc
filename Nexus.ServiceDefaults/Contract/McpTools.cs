using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;

namespace Nexus.Contract;

/// <summary>The 1:1 mapping from a Nexus function to an MCP tool definition.</summary>
public static class McpTools
{
    /// <summary>
    /// The MCP tool for a function: same name, the description (or summary), the input schema, and the output schema
    /// when it describes an object (MCP requires structured output to be an object; other outputs stay unstructured),
    /// and the function's annotations as MCP's hints.
    /// </summary>
    public static Tool ToTool(FunctionDescriptor function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new Tool
        {
            Name = function.Name,
            Title = function.Summary,
            Description = function.Description ?? function.Summary,
            InputSchema = ToElement(AsObjectSchema(function.InputSchema)),
            OutputSchema = function.OutputSchema is { } output && IsObjectSchema(output) ? ToElement(output) : null,
            Annotations = ToAnnotations(function),
        };
    }

    /// <summary>The declared annotations; a <c>GET</c> function that declares none is read-only, as HTTP defines GET as safe.</summary>
    private static ToolAnnotations? ToAnnotations(FunctionDescriptor function) => function.Annotations switch
    {
        { } declared => new ToolAnnotations { ReadOnlyHint = declared.ReadOnly, DestructiveHint = declared.Destructive, IdempotentHint = declared.Idempotent },
        null when function.Method == "GET" => new ToolAnnotations { ReadOnlyHint = true },
        null => null,
    };

    /// <summary>MCP requires <c>"type":"object"</c> at the root of an input schema.</summary>
    private static JsonObject AsObjectSchema(JsonObject schema)
    {
        if (IsObjectSchema(schema)) return schema;
        return new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["input"] = schema.DeepClone() }, ["required"] = new JsonArray("input") };
    }

    private static bool IsObjectSchema(JsonObject schema) => schema["type"] switch
    {
        JsonValue value => value.TryGetValue<string>(out var type) && type == "object",
        _ => false,
    };

    private static JsonElement ToElement(JsonObject schema) => JsonSerializer.SerializeToElement(schema);
}
