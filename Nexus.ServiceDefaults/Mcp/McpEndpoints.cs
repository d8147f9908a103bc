using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Nexus.ServiceDefaults.Mcp;

/// <summary>
/// <c>/mcp</c> (Streamable HTTP) on every service: one tool per function of the service's own descriptor, each call
/// validated against the tool's input schema and then made to the function's HTTP endpoint.
/// </summary>
internal static class McpEndpoints
{
    public const string Path = "/mcp";

    /// <summary><c>Nexus:Mcp:Enabled</c>, read while services are added: off, nothing of MCP is registered or mapped.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue($"{NexusServiceOptions.SectionName}:{nameof(NexusServiceOptions.Mcp)}:{nameof(McpOptions.Enabled)}", true);

    public static void AddNexusMcp(this IServiceCollection services)
    {
        services.AddSingleton<FunctionTools>();
        services.AddSingleton<LoopbackAddress>();
        // No resilience handler: a retried POST could run a function twice. The timeout covers the slowest function
        // (speech and image engines allow up to two minutes) with room; the MCP request's cancellation ends it sooner.
        services.AddHttpClient<FunctionCaller>(FunctionCaller.HttpClientName, client => client.Timeout = TimeSpan.FromMinutes(5));

        // Stateless: every request stands alone, so the service keeps no sessions for
        // clients that may never come back and starts no idle-session timer. The tools never change while the process
        // runs, so there is nothing to notify.
        services.AddMcpServer()
            .WithHttpTransport(transport => transport.SessionMode = HttpServerSessionMode.Stateless)
            .WithListToolsHandler(ListToolsAsync)
            .WithCallToolHandler(CallToolAsync);
        // The server introduces itself as the descriptor does, not as the entry assembly.
        services.AddOptions<McpServerOptions>().Configure<IOptions<NexusServiceOptions>>((mcp, nexus) =>
            mcp.ServerInfo = new Implementation { Name = nexus.Value.Name!, Version = nexus.Value.Version! });
    }

    /// <summary>Maps the service's <c>/mcp</c>, unless the host serves its own there (<see cref="HostServesMcp"/>).</summary>
    public static void MapNexusMcp(this IEndpointRouteBuilder endpoints)
    {
        if (endpoints.ServiceProvider.GetService<HostServesMcp>() is not null) return;
        endpoints.MapMcp(Path).ExcludeFromDescription();
    }

    private static async ValueTask<ListToolsResult> ListToolsAsync(RequestContext<ListToolsRequestParams> context, CancellationToken cancellationToken)
    {
        var tools = await Tools(context).GetAsync(cancellationToken);
        return new ListToolsResult { Tools = [.. tools.Values.Select(t => t.Tool)] };
    }

    private static async ValueTask<CallToolResult> CallToolAsync(RequestContext<CallToolRequestParams> context, CancellationToken cancellationToken)
    {
        var name = context.Params?.Name ?? string.Empty;
        var tools = await Tools(context).GetAsync(cancellationToken);
        if (!tools.TryGetValue(name, out var tool))
        {
            throw new McpProtocolException($"Unknown tool: '{name}'.", McpErrorCode.InvalidParams);
        }

        var arguments = FunctionTool.Arguments(context.Params?.Arguments);
        var errors = tool.Validate(arguments);
        if (errors.Count > 0) return ToolResults.Error($"Invalid arguments for {name}: {string.Join("; ", errors)}");

        var caller = context.Services!.GetRequiredService<FunctionCaller>();
        return await caller.CallAsync(context, tool, arguments, cancellationToken);
    }

    private static FunctionTools Tools<T>(RequestContext<T> context) => context.Services!.GetRequiredService<FunctionTools>();
}
