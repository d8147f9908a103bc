using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nexus.Contract;
using Nexus.ServiceDefaults.Telemetry;

namespace Nexus.ServiceDefaults.Metadata;

/// <summary>The contract's own endpoints: the descriptor, its schema, and the Prometheus scrape.</summary>
internal static class MetadataEndpoints
{
    public static void MapNexusContract(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ContractPaths.Metadata, GetDescriptorAsync)
            .WithName("GetServiceDescriptor")
            .WithSummary("The service descriptor: identity, functions and models.");
        endpoints.MapGet(ContractPaths.MetadataSchema, GetSchema)
            .WithName("GetServiceDescriptorSchema")
            .WithSummary("The JSON Schema of the service descriptor.");
        endpoints.MapGet(ContractPaths.Metrics, GetMetrics).ExcludeFromDescription();
    }

    private static async Task<JsonHttpResult<NexusServiceDescriptor>> GetDescriptorAsync(DescriptorProvider provider, CancellationToken cancellationToken) =>
        TypedResults.Json(await provider.GetDescriptorAsync(cancellationToken), NexusJson.Options);

    private static ContentHttpResult GetSchema() =>
        TypedResults.Text(JsonSchemaValidator.ServiceDescriptorSchemaText, "application/schema+json");

    private static ContentHttpResult GetMetrics(PrometheusScrapeExporter exporter) =>
        TypedResults.Text(exporter.Scrape(), "text/plain; version=0.0.4; charset=utf-8");
}
