using Nexus.Gateway.Forwarding;
using Nexus.ServiceDefaults.Errors;

namespace Nexus.Gateway.Apis;

/// <summary>The OpenAI-compatible routes and <c>/v1/services/{service}/{**path}</c>, all through the steps of <see cref="GatewayPipeline"/>.</summary>
internal static class OpenAIApi
{
    public static IEndpointRouteBuilder MapOpenAIApi(this IEndpointRouteBuilder app)
    {
        // One pipeline of singletons, built once: resolving anything per request would open a service scope on every
        // proxied request, with its allocations, for dependencies that never change.
        var pipeline = GatewayPipeline.Build(app);
        foreach (var endpoint in GatewayEndpoints.OpenAI)
        {
            // As a Delegate, not a RequestDelegate, so the route appears in the OpenAPI document.
            Delegate forward = (HttpContext context) => Start(context, pipeline, new GatewayRequestFeature(endpoint, null, null));
            app.MapPost(endpoint.Path, forward)
                .WithOpenAIErrors()
                .WithName(endpoint.Name)
                .WithSummary($"OpenAI-compatible {endpoint.Name}, forwarded to an instance serving the requested model.")
                .DisableRequestTimeout();
        }

        app.MapMethods("/v1/services/{service}/{**path}", ["GET", "POST", "PUT", "PATCH", "DELETE"], (HttpContext context, string service, string? path) => Start(context, pipeline, new GatewayRequestFeature(GatewayEndpoints.Services, service, "/" + path)))
            .WithOpenAIErrors()
            .WithName("services")
            .WithSummary("Any function of a registered service, with the same keys, limits and audit as the OpenAI routes.");
        return app;
    }

    private static Task Start(HttpContext context, RequestDelegate pipeline, GatewayRequestFeature feature)
    {
        context.Features.Set(feature);
        return pipeline(context);
    }
}
