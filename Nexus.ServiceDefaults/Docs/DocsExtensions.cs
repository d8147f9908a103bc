using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Scalar.AspNetCore;

namespace Nexus.ServiceDefaults.Docs;

/// <summary><c>/docs</c>: Scalar's API reference over the service's own OpenAPI document.</summary>
internal static class DocsExtensions
{
    public static void MapNexusDocs(this WebApplication app)
    {
        var name = app.Services.GetRequiredService<IOptions<NexusServiceOptions>>().Value.Name;
        app.MapScalarApiReference(ContractPaths.Docs, docs => docs
            .WithTitle($"{name} API")
            .WithOpenApiRoutePattern(ContractPaths.OpenApi.Replace("v1", "{documentName}", StringComparison.Ordinal))
            // A self-hosted product that may run offline: the page loads its script from the service itself (Scalar's
            // default), no web fonts from a CDN, and none of the features that talk to Scalar's cloud (the toolbar,
            // the "open in client" button, the AI agent, MCP, usage telemetry).
            .DisableDefaultFonts()
            .HideClientButton()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools());
    }
}
