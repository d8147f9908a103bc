using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nexus.Contract;

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
        // OpenTelemetry's exporter: the SDK collects on each scrape (answers are cached for 300 ms against scrape storms).
        endpoints.MapPrometheusScrapingEndpoint(ContractPaths.Metrics).ExcludeFromDescription();
    }

    private static async Task<JsonHttpResult<NexusServiceDescriptor>> GetDescriptorAsync(DescriptorProvider provider, CancellationToken cancellationToken) =>
        TypedResults.Json(await provider.GetDescriptorAsync(cancellationToken), NexusJson.Options);

    private static ContentHttpResult GetSchema() =>
        TypedResults.Text(JsonSchemaValidator.ServiceDescriptorSchemaText, "application/schema+json");
}
