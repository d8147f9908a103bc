using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Engines;
using Nexus.Services.Ocr;

namespace Microsoft.Extensions.Hosting;

/// <summary>The OCR service's wiring: <c>builder.AddOcrService()</c> and <c>app.MapOcrApi()</c>.</summary>
public static class OcrServiceExtensions
{
    public static TBuilder AddOcrService<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<OcrOptions>().BindConfiguration(OcrOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OcrOptions>, OcrOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<OcrOptions>>().Value;
            return new EngineGate(settings.MaxConcurrency, settings.QueueTimeout);
        });
        services.AddSingleton<TesseractEngine>();
        services.AddSingleton<IModelCatalog, OcrModelCatalog>();
        services.AddHealthChecks().AddCheck<TesseractHealthCheck>("tesseract");
        return builder;
    }

    public static IEndpointRouteBuilder MapOcrApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOcr();
        return endpoints;
    }
}
