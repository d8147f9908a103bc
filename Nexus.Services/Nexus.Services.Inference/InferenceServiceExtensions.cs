using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Inference;
using Nexus.Services.Inference.Catalog;
using Nexus.Services.Inference.Embeddings;
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
        // HttpClient's timeout covers only the wait for the headers of a call that reads them first, so streams and pulls
        // can outlive it; listings read whole bodies and are bounded by it entirely.
        services.AddHttpClient(Upstreams.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<InferenceOptions>>().Value.UpstreamTimeout);
        services.AddSingleton<OllamaClients>();
        services.AddSingleton<OllamaCatalog>();
        services.AddSingleton<OpenAICatalog>();
        services.AddSingleton<UpstreamCatalog>();
        services.AddSingleton<LocalEmbeddingMetrics>();
        services.AddSingleton<LocalEmbeddingModel>();
        services.AddSingleton<LocalEmbeddings>();
        services.AddHostedService<LocalEmbeddingLoader>();
        services.AddSingleton<InferenceCatalog>();
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<InferenceCatalog>());
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
