using System.Text.Json;
using System.Text.Json.Nodes;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Tests;

public sealed class McpToolsTests
{
    private static readonly JsonObject ObjectInput = new()
    {
        ["type"] = "object",
        ["properties"] = new JsonObject { ["text"] = new JsonObject { ["type"] = "string" } },
        ["required"] = new JsonArray("text"),
    };

    [Fact]
    public void ToTool_Function_MapsNameDescriptionAndSchemasOneToOne()
    {
        var function = Function(output: new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["length"] = new JsonObject { ["type"] = "integer" } } });

        var tool = McpTools.ToTool(function);

        tool.Name.ShouldBe("echo");
        tool.Title.ShouldBe("Repeats text.");
        tool.Description.ShouldBe("Repeats the given text.");
        JsonNode.DeepEquals(JsonNode.Parse(tool.InputSchema.GetRawText()), ObjectInput).ShouldBeTrue();
        tool.OutputSchema!.Value.GetProperty("properties").GetProperty("length").GetProperty("type").GetString().ShouldBe("integer");
    }

    [Fact]
    public void ToTool_NonObjectOutput_IsLeftUnstructured()
    {
        var tool = McpTools.ToTool(Function(output: new JsonObject { ["type"] = "array" }));

        tool.OutputSchema.ShouldBeNull();
    }

    [Fact]
    public void ToTool_NonObjectInput_IsWrappedInAnObject()
    {
        var tool = McpTools.ToTool(Function(input: new JsonObject { ["type"] = "string" }));

        tool.InputSchema.GetProperty("type").GetString().ShouldBe("object");
        tool.InputSchema.GetProperty("properties").GetProperty("input").GetProperty("type").GetString().ShouldBe("string");
    }

    [Fact]
    public void ToTool_GetFunction_IsReadOnlyAndPostIsNot()
    {
        McpTools.ToTool(Function() with { Method = "GET" }).Annotations!.ReadOnlyHint.ShouldBe(true);
        McpTools.ToTool(Function()).Annotations.ShouldBeNull();
    }

    [Fact]
    public void ToTool_DeclaredAnnotations_BecomeTheToolsHints()
    {
        var tool = McpTools.ToTool(Function() with { Method = "DELETE", Annotations = new FunctionAnnotations { Destructive = true, Idempotent = true } });

        tool.Annotations!.ReadOnlyHint.ShouldBeNull();
        tool.Annotations.DestructiveHint.ShouldBe(true);
        tool.Annotations.IdempotentHint.ShouldBe(true);
    }

    [Fact]
    public void ToTool_RoundTripsThroughMcpJson()
    {
        var tool = McpTools.ToTool(Function());

        var json = JsonSerializer.Serialize(tool, ModelContextProtocol.McpJsonUtilities.DefaultOptions);

        var parsed = JsonNode.Parse(json)!;
        parsed["name"]!.GetValue<string>().ShouldBe("echo");
        parsed["inputSchema"]!["required"]![0]!.GetValue<string>().ShouldBe("text");
    }

    private static FunctionDescriptor Function(JsonObject? input = null, JsonObject? output = null) => new()
    {
        Name = "echo",
        Summary = "Repeats text.",
        Description = "Repeats the given text.",
        Method = "POST",
        Path = "/v1/echo",
        InputSchema = input ?? (JsonObject)ObjectInput.DeepClone(),
        OutputSchema = output,
    };
}
