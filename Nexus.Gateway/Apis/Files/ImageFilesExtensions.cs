using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nexus.Gateway.Apis.Files;

/// <summary>The links for <c>response_format: url</c> images: their options (validated at start) and the rewriter.</summary>
internal static class ImageFilesExtensions
{
    public static void AddImageLinks(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ImageLinks))) return;
        services.AddOptions<ImageLinkOptions>().BindConfiguration(ImageLinkOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ImageLinks>();
    }
}
