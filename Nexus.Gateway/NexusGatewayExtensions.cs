namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The whole gateway in two calls, used by Program.cs and by every test that hosts the gateway, so they can
/// never be wired differently.
/// </summary>
public static class NexusGatewayExtensions
{
    /// <summary>The registry, forwarding, keys, stored routes, limits, the response cache, usage and MCP. The registry comes first: forwarding falls back to
    /// static routes only when no registry is registered.</summary>
    public static IHostApplicationBuilder AddNexusGateway(this IHostApplicationBuilder builder)
    {
        builder.AddNexusRegistry();
        builder.AddGatewayForwarding();
        builder.AddGatewayKeys();
        builder.AddGatewayStoredRoutes();
        builder.AddGatewayLimits();
        builder.AddGatewayCaching();
        builder.AddGatewayUsage();
        builder.AddGatewayMcp();
        return builder;
    }

    /// <summary>The registry API (reading it is for operators and tenants granted it: <see cref="Nexus.Gateway.Keys.Policy.ReadRegistry"/>; writing takes registration credentials), then the gateway's own API and <c>/mcp</c>.</summary>
    public static WebApplication MapNexusGateway(this WebApplication app)
    {
        app.MapRegistryApi().RequireRegistryReader();
        app.MapGatewayApi();
        app.MapGatewayMcp();
        return app;
    }
}
