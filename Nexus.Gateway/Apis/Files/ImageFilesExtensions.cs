using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Nexus.Gateway.Apis.Files;

/// <summary>The links for <c>response_format: url</c> images: their options, the key ring that protects them, and the rewriter.</summary>
internal static class ImageFilesExtensions
{
    public static void AddImageLinks(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(ImageLinks))) return;
        services.AddOptions<ImageLinkOptions>().BindConfiguration(ImageLinkOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var protection = services.AddDataProtection().SetApplicationName("Nexus.Gateway");
        // Shared by every replica, a link one replica made downloads from any.
        if (builder.Configuration[$"{ImageLinkOptions.SectionName}:{nameof(ImageLinkOptions.KeysPath)}"] is { Length: > 0 } keys)
        {
            protection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        services.TryAddSingleton<ImageLinks>();
    }
}
