using Nexus.Testing;

namespace Nexus.Services.Ocr.Tests;

/// <summary>The OCR service on Kestrel at a random loopback port, wired as its Program.cs wires it.</summary>
internal static class OcrHost
{
    public static Task<TestService> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestService.StartAsync(
            "Nexus.Services.Ocr",
            "ocr",
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddOcrService();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapOcrApi();
            });
}
