using ModelContextProtocol.AspNetCore;
using ModelContextProtocol.Server;
using Nexus.Agents.Apis.Mcp;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The agents' <c>/mcp</c>: the service's function tools (<c>run-agent</c>, ...) from the service defaults, plus each agent
/// as <c>agent.&lt;name&gt;</c>. Sessions for clients of the initialize handshake, so they hear when the agents change.
/// </summary>
internal static class AgentsMcpExtensions
{
    public static IServiceCollection AddAgentsMcp(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<AgentMcpTools>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentMcpTools>());
        // After the service defaults configured their handlers: these wrap them.
        services.AddOptions<McpServerOptions>().PostConfigure<AgentMcpTools>((mcp, tools) => tools.Wrap(mcp));
        services.AddOptions<HttpServerTransportOptions>().PostConfigure<AgentMcpTools>((transport, tools) =>
        {
            transport.SessionMode = HttpServerSessionMode.StatefulForInitializeClients;
#pragma warning disable MCPEXP002 // Experimental, and the one hook that sees a session from start to end (for list_changed).
            transport.RunSessionHandler = tools.RunSessionAsync;
#pragma warning restore MCPEXP002
        });
        return services;
    }
}
