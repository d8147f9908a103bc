using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Inference;
using Nexus.Services.Inference.Catalog;
using Nexus.Services.Inference.Forwarding;
using Nexus.Services.Inference.Ollama;
using Nexus.Services.Inference.Pull;

namespace Microsoft.Extensions.Hosting;

/// <summary>The inference service's wiring: <c>builder.AddInferenceService()</c> and <c>app.MapInferenceApi()</c>.</summary>
public static class InferenceServiceExtensions
{
    public static TBuilder AddInferenceService<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        // Streams can outlive any fixed timeout; the forwarder and the pull bound the wait for response headers themselves.
        services.AddHttpClient(UpstreamCatalog.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<OllamaClient>();
        services.AddSingleton<UpstreamCatalog>();
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<UpstreamCatalog>());
        services.AddSingleton<Forwarder>();
        services.AddHealthChecks().AddCheck<UpstreamHealthCheck>("upstreams");
        return builder;
    }

    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapInference();
        endpoints.MapPull();
        return endpoints;
    }
}
