using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Image;
using Nexus.Services.Image.Backends;

namespace Microsoft.Extensions.Hosting;

/// <summary>The image service's wiring: <c>builder.AddImageService()</c> and <c>app.MapImageApi()</c>.</summary>
public static class ImageServiceExtensions
{
    public static TBuilder AddImageService<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<ImageOptions>().BindConfiguration(ImageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ImageOptions>, ImageOptionsValidator>();
        // Generations take minutes on a slow GPU; the backend applies Image:GenerationTimeout itself.
        services.AddHttpClient<Automatic1111Backend>(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<ProceduralBackend>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<IModelCatalog, ImageCatalog>();
        services.AddHealthChecks().AddCheck<ImageHealthCheck>("image-backends");
        return builder;
    }

    public static IEndpointRouteBuilder MapImageApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapImages();
        return endpoints;
    }
}
