using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nexus.Contract;

namespace Nexus.ServiceDefaults.Health;

/// <summary>Aspire's health convention: <c>/health</c> is readiness (every check), <c>/alive</c> liveness (checks tagged <c>live</c>).</summary>
public static class HealthExtensions
{
    /// <summary>The tag that puts a check in liveness as well as readiness.</summary>
    public const string LiveTag = "live";

    internal static void AddNexusHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

    internal static void MapNexusHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(ContractPaths.Health, new HealthCheckOptions { ResponseWriter = WriteReport })
            .ExcludeFromDescription();
        endpoints.MapHealthChecks(ContractPaths.Alive, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag), ResponseWriter = WriteReport })
            .ExcludeFromDescription();
    }

    /// <summary>The status plus each check's result, so a registry or a person can see why a service is not ready.</summary>
    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 2),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 2),
            }),
        };
        return JsonSerializer.SerializeAsync(context.Response.Body, body, NexusJson.Options, context.RequestAborted);
    }
}
