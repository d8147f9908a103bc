using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Nexus.ServiceDefaults.McpClients;

namespace Nexus.Agents.Tools.Mcp;

/// <summary>
/// One tool of an external MCP server as an <see cref="AIFunction"/>: its schema is the tool's <c>inputSchema</c>; a
/// call is validated against it, then sent to the server over its link. Text comes back as text; images, audio and
/// binary resources are stored and referenced, as a service's binary results are. A server that is gone, or that
/// answers with an error, is a tool result the model reads.
/// </summary>
internal sealed class McpBusFunction(McpBusTool tool, McpServerLink link, ToolCallContext call) : AIFunction
{
    public override string Name { get; } = ToolNames.ForModel(tool.Name);

    public override string Description => tool.Tool.Description;

    public override JsonElement JsonSchema => tool.Tool.JsonSchema;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var input = ToolArguments.ToJson(arguments);
        var errors = tool.Validator.Validate(input);
        if (errors.Count > 0) return $"The call was not made: the arguments do not match the tool's schema: {string.Join("; ", errors)}";

        CallToolResult result;
        try
        {
            var sent = input.ToDictionary(p => p.Key, p => (object?)JsonSerializer.SerializeToElement(p.Value), StringComparer.Ordinal);
            result = await link.CallAsync(tool.Tool.Name, sent, null, cancellationToken);
        }
        catch (McpServerUnavailableException exception)
        {
            return $"The tool failed: the MCP server '{tool.ServerName}' cannot be reached ({exception.Message}).";
        }
        catch (McpException exception)
        {
            // A JSON-RPC error (an unknown tool, arguments the server refused): its message is the model's to read.
            return $"The tool failed at the MCP server '{tool.ServerName}': {exception.Message}";
        }

        return await McpResults.ToModelAsync(result, call, cancellationToken);
    }
}
