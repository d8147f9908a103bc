using Nexus.Testing;

namespace Nexus.Services.Image.Tests;

/// <summary>The image service on Kestrel at a random loopback port, wired as its Program.cs wires it.</summary>
internal static class ImageHost
{
    public static Task<TestService> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestService.StartAsync(
            "Nexus.Services.Image",
            "image",
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddImageService();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapImageApi();
            },
            TimeSpan.FromSeconds(30));
}
