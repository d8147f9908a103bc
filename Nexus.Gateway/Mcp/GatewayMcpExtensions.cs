using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Server;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Mcp;
using Nexus.Gateway.Mcp.Routes;
using Nexus.ServiceDefaults.Mcp;

namespace Microsoft.Extensions.Hosting;

/// <summary>The gateway's aggregate <c>/mcp</c>: every ready service function as a tool, per key, through the pipeline.</summary>
public static class GatewayMcpExtensions
{
    public const string Path = "/mcp";

    /// <summary>
    /// The MCP server with the gateway's tools, configured after the service defaults' own (these options win). Clients
    /// of the 2026-07-28 revision are served per request and hear of <c>tools/list_changed</c> on a
    /// <c>subscriptions/listen</c> stream (<see cref="McpListeners"/>); clients of the initialize handshake (most
    /// desktop clients today) get a session, which carries <c>tools/list_changed</c>, is bounded in number and idle
    /// time, and ends on <c>DELETE</c>.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayMcp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<McpGatewayOptions>().BindConfiguration(McpGatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpGatewayOptions>, McpGatewayOptionsValidation>());
        services.TryAddSingleton<HostServesMcp>();
        services.TryAddSingleton<GatewayTools>();
        services.TryAddSingleton<McpSessions>();
        services.TryAddSingleton<McpListeners>();
        services.TryAddSingleton<PipelineToolCaller>();
        services.TryAddSingleton<McpGuard>();
        services.AddGatewayMcpRoutes();
        services.AddHostedService<ToolListNotifier>();

        services.AddMcpServer()
            .WithHttpTransport()
            .WithListToolsHandler(McpToolHandlers.ListToolsAsync)
            .WithCallToolHandler(McpToolHandlers.CallToolAsync)
            .WithSubscriptionsListenHandler((request, cancellationToken) => request.Services!.GetRequiredService<McpListeners>().ListenAsync(request, cancellationToken));
        services.AddOptions<McpServerOptions>().Configure(mcp => mcp.Capabilities!.Tools!.ListChanged = true);
        services.AddOptions<HttpServerTransportOptions>().Configure<IOptions<McpGatewayOptions>, McpSessions>((transport, options, sessions) =>
        {
            transport.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
#pragma warning disable MCP9006 // Obsolete with the 2026-07-28 revision, and still what bounds the sessions of the clients before it.
            transport.IdleTimeout = options.Value.SessionIdleTimeout;
            transport.MaxIdleSessionCount = options.Value.MaxSessions;
#pragma warning restore MCP9006
#pragma warning disable MCPEXP002 // Experimental, and the one hook that sees a session from start to end (for list_changed and the caps).
            transport.RunSessionHandler = sessions.RunAsync;
#pragma warning restore MCPEXP002
        });
        return builder;
    }

    /// <summary>Maps <c>/mcp</c> behind <see cref="McpGuard"/>, with tool calls going through <see cref="GatewayPipeline"/>.</summary>
    public static IEndpointRouteBuilder MapGatewayMcp(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.ServiceProvider.GetRequiredService<PipelineToolCaller>().Use(GatewayPipeline.Build(app), McpRoutePipeline.Build(app));
        var guard = app.ServiceProvider.GetRequiredService<McpGuard>();
        app.MapMcp(Path).ExcludeFromDescription().Add(endpoint =>
        {
            var inner = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context => guard.InvokeAsync(context, inner);
        });
        return app;
    }
}
