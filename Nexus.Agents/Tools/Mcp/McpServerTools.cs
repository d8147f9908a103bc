using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using Nexus.Contract;

namespace Nexus.Agents.Tools.Mcp;

/// <summary>One tool of an MCP server as the bus holds it: its bus name, its schema's validator and its effect hints.</summary>
internal sealed record McpBusTool(string Name, string ServerName, McpClientTool Tool, JsonSchemaValidator Validator, FunctionAnnotations? Annotations);

/// <summary>The tools a server listed, as bus tools: those whose name or schema cannot be used are counted, not offered.</summary>
internal static class McpServerTools
{
    // OpenAI-compatible APIs allow [A-Za-z0-9_-]{1,64} in a function name, and the model sees "server__tool".
    private const int MaxModelName = 64;

    public static (IReadOnlyList<McpBusTool> Tools, IReadOnlyList<string> Skipped) From(string server, IReadOnlyList<McpClientTool> listed)
    {
        var tools = new List<McpBusTool>();
        var skipped = new List<string>();
        foreach (var tool in listed)
        {
            var name = server + "." + tool.Name;
            if (!IsModelName(tool.Name) || ToolNames.ForModel(name).Length > MaxModelName)
            {
                skipped.Add($"{tool.Name}: the name is not 1 to {MaxModelName - server.Length - 2} of A-Z, a-z, 0-9, '_' and '-'");
                continue;
            }

            try
            {
                var schema = JsonNode.Parse(tool.ProtocolTool.InputSchema.GetRawText())!;
                tools.Add(new McpBusTool(name, server, tool, new JsonSchemaValidator(schema), Annotations(tool)));
            }
            catch (Exception exception) when (exception is JsonException or Json.Schema.JsonSchemaException or InvalidOperationException or ArgumentException)
            {
                skipped.Add($"{tool.Name}: its inputSchema cannot be used ({exception.Message})");
            }
        }

        return (tools, skipped);
    }

    // MCP's hints read as a descriptor's annotations: what the server leaves unset stays undeclared.
    private static FunctionAnnotations? Annotations(McpClientTool tool) => tool.ProtocolTool.Annotations is { } hints
        ? new FunctionAnnotations { ReadOnly = hints.ReadOnlyHint, Destructive = hints.DestructiveHint, Idempotent = hints.IdempotentHint }
        : null;

    private static bool IsModelName(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
