using System.Text;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using Nexus.ServiceDefaults.Mcp;

namespace Nexus.Gateway.Mcp;

/// <summary><c>tools/list</c> (the caller's tools, in pages) and <c>tools/call</c> (validated, then through the pipeline).</summary>
internal static class McpToolHandlers
{
    public static ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> context, CancellationToken cancellationToken)
    {
        var caller = CallerOf(context);
        var services = context.Services!;
        var pageSize = services.GetRequiredService<IOptionsMonitor<McpGatewayOptions>>().CurrentValue.PageSize;
        var after = DecodeCursor(context.Params?.Cursor);
        var page = services.GetRequiredService<GatewayTools>().Current().Tools
            .Where(t => (after is null || string.CompareOrdinal(t.Name, after) > 0) && t.MayBeCalledBy(caller.Caller))
            .Take(pageSize + 1)
            .ToList();
        var more = page.Count > pageSize;
        if (more) page.RemoveAt(pageSize);
        return ValueTask.FromResult(new ListToolsResult
        {
            Tools = [.. page.Select(t => t.Definition)],
            NextCursor = more ? EncodeCursor(page[^1].Name) : null,
        });
    }

    public static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var caller = CallerOf(context);
        var name = context.Params?.Name ?? "";
        var services = context.Services!;
        // A tool the key may not call is still found here: the pipeline refuses it as it refuses the HTTP call (403),
        // and the refusal is audited like any other.
        var tool = services.GetRequiredService<GatewayTools>().Current().Find(name)
            ?? throw new McpProtocolException($"Unknown tool: '{name}'.", McpErrorCode.InvalidParams);
        var arguments = FunctionTool.Arguments(context.Params?.Arguments);
        // A route's server checks its own tools' arguments; a service function's are checked here, before forwarding.
        if (tool is FunctionGatewayTool function && function.Function.Validate(arguments) is { Count: > 0 } errors)
        {
            return ToolResults.Error($"Invalid arguments for {name}: {string.Join("; ", errors)}");
        }

        return await services.GetRequiredService<PipelineToolCaller>().CallAsync(context, caller, tool, arguments, cancellationToken);
    }

    // McpGuard lets no request through without its caller; a message without one did not come through /mcp.
    private static McpCaller CallerOf<T>(RequestContext<T> context) =>
        context.User as McpCaller ?? throw new McpProtocolException("The request carries no authenticated key.", McpErrorCode.InvalidRequest);

    // The cursor is the last name of the page before: a list that changes between pages neither repeats nor skips a tool.
    private static string EncodeCursor(string name) => Convert.ToBase64String(Encoding.UTF8.GetBytes(name));

    private static string? DecodeCursor(string? cursor)
    {
        if (cursor is null) return null;
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
        }
        catch (FormatException)
        {
            throw new McpProtocolException("The cursor is not one this server gave out.", McpErrorCode.InvalidParams);
        }
    }
}
