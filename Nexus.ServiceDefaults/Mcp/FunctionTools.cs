using Nexus.ServiceDefaults.Metadata;

namespace Nexus.ServiceDefaults.Mcp;

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
        foreach (var function in descriptor.Functions)
        {
            if (FunctionTool.For(function) is { } tool) built[function.Name] = tool;
        }

        // Endpoints do not change after start, so two first requests racing build the same list; either one may win.
        return _tools = built;
    }
}
