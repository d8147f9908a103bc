using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Nexus.Gateway.Mcp.Routes;

/// <summary>MCP routes: external MCP servers whose tools the gateway's <c>/mcp</c> serves beside the services' functions.</summary>
internal static class McpRoutesExtensions
{
    public static IServiceCollection AddGatewayMcpRoutes(this IServiceCollection services)
    {
        services.AddOptions<McpRoutesOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(McpRoutesOptions.SectionName).Bind(options.Routes))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<McpRoutesOptions>, McpRoutesOptionsValidation>());
        services.TryAddSingleton<McpRouteConnector>();
        services.AddHostedService(sp => sp.GetRequiredService<McpRouteConnector>());
        services.AddHealthChecks().AddCheck<McpRoutesHealthCheck>("mcp-routes");
        return services;
    }
}

/// <summary>
/// Readiness of the MCP routes: degraded (still ready: the gateway serves everything else) while a route's server is
/// down, naming the routes and why; their tools are absent from <c>/mcp</c> meanwhile.
/// </summary>
internal sealed class McpRoutesHealthCheck(McpRouteConnector routes) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connections = routes.Connections;
        var data = connections.ToDictionary(c => c.Route.Name, c => (object)(c.State.Status == McpRouteStatus.Down ? $"down: {c.State.Problem}" : c.State.Status.ToString().ToLowerInvariant()));
        var down = connections.Where(c => c.State.Status == McpRouteStatus.Down).Select(c => c.Route.Name).ToList();
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy($"{connections.Count} MCP routes, none down.", data)
            : HealthCheckResult.Degraded($"MCP routes down (their tools are not listed): {string.Join(", ", down)}.", data: data));
    }
}
