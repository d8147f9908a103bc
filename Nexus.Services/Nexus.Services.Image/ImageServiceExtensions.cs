using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Image;
using Nexus.Services.Image.Backends;
using Nexus.Services.Image.Backends.ComfyUI;
using Nexus.Services.Image.Backends.InvokeAI;

namespace Microsoft.Extensions.Hosting;

/// <summary>The image service's wiring: <c>builder.AddImageService()</c> and <c>app.MapImageApi()</c>.</summary>
public static class ImageServiceExtensions
{
    public static TBuilder AddImageService<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<ImageOptions>().BindConfiguration(ImageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImageOptions>, ImageOptionsValidator>();
        // Generations take minutes on a slow GPU; the backends apply Image:GenerationTimeout and Image:RequestTimeout themselves.
        services.AddHttpClient(Automatic1111Backend.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(ComfyUIClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHttpClient(InvokeAIClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(Random.Shared);
        services.AddSingleton<ComfyUIClient>();
        services.AddSingleton<InvokeAIClient>();
        // The order is the catalog's order, and the first ready model is the default: real engines before procedural-dev.
        services.AddSingleton<IImageBackend, Automatic1111Backend>();
        services.AddSingleton<IImageBackend, ComfyUIBackend>();
        services.AddSingleton<IImageBackend, InvokeAIBackend>();
        services.AddSingleton<IImageBackend, ProceduralBackend>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<ImageCatalog>();
        services.AddSingleton<IModelCatalog>(sp => sp.GetRequiredService<ImageCatalog>());
        services.AddHealthChecks().AddCheck<ImageHealthCheck>("image-backends");
        return builder;
    }

    public static IEndpointRouteBuilder MapImageApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapImages();
        return endpoints;
    }
}
