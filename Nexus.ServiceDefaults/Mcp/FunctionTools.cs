using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using Nexus.Contract;
using Nexus.ServiceDefaults.Metadata;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>One function as an MCP tool: its descriptor, the tool MCP clients see, and the validator of its arguments.</summary>
internal sealed record FunctionTool(FunctionDescriptor Function, Tool Tool, JsonSchemaValidator Arguments)
{
    /// <summary>True when <see cref="McpTools.ToTool"/> wrapped a non-object input in an <c>input</c> property.</summary>
    public bool WrapsInput => Function.InputSchema["type"]?.GetValueKind() != JsonValueKind.String
        || Function.InputSchema["type"]!.GetValue<string>() != "object";
}

/// <summary>
/// The service's functions as MCP tools, built from the same descriptor <c>/v1/metadata</c> serves, on the first MCP
/// request (a service that never gets MCP traffic never builds them).
/// </summary>
internal sealed class FunctionTools(DescriptorProvider descriptors)
{
    private IReadOnlyDictionary<string, FunctionTool>? _tools;

    public async ValueTask<IReadOnlyDictionary<string, FunctionTool>> GetAsync(CancellationToken cancellationToken)
    {
        if (_tools is { } tools) return tools;
        var descriptor = await descriptors.GetDescriptorAsync(cancellationToken);
        var built = new Dictionary<string, FunctionTool>(StringComparer.Ordinal);
        foreach (var function in descriptor.Functions.Where(Callable))
        {
            var tool = McpTools.ToTool(function);
            built[function.Name] = new FunctionTool(function, tool, new JsonSchemaValidator(JsonNode.Parse(tool.InputSchema.GetRawText())!));
        }

        // Endpoints do not change after start, so two first requests racing build the same list; either one may win.
        return _tools = built;
    }

    /// <summary>
    /// A function whose body is only a form (<c>multipart/form-data</c>, e.g. OCR's image upload) is left out: its
    /// descriptor schema describes the form's text fields, not the file, so an MCP client could not send what it needs.
    /// Functions with a JSON body, or none (route and query values), are tools.
    /// </summary>
    private static bool Callable(FunctionDescriptor function) =>
        function.RequestContentTypes.Count == 0
        || function.RequestContentTypes.Any(type => type.Equals("application/json", StringComparison.OrdinalIgnoreCase));
}
