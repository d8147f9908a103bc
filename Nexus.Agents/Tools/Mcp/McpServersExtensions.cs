using Microsoft.Extensions.Options;
using Nexus.Agents.Tools.Mcp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The configured MCP servers' tools on the bus.</summary>
internal static class McpServersExtensions
{
    public static IServiceCollection AddMcpServerTools(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<Nexus.Agents.AgentsOptions>, McpServersValidator>();
        services.AddSingleton<McpServers>();
        services.AddHostedService(sp => sp.GetRequiredService<McpServers>());
        return services;
    }
}
