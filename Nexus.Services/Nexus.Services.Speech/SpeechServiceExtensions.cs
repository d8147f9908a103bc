using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Speech;
using Nexus.Services.Engines;
using Nexus.Services.Speech.Synthesis;
using Nexus.Services.Speech.Transcription;

namespace Microsoft.Extensions.Hosting;

/// <summary>The speech service's wiring: <c>builder.AddSpeechService()</c> and <c>app.MapSpeechApi()</c>.</summary>
public static class SpeechServiceExtensions
{
    public static TBuilder AddSpeechService<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<SpeechOptions>().BindConfiguration(SpeechOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SpeechOptions>, SpeechOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<SpeechOptions>>().Value;
            return new EngineGate(settings.MaxConcurrency, settings.QueueTimeout);
        });
        services.AddSingleton<VoiceCatalog>();
        services.AddSingleton<SpeechSynthesizer>();
        services.AddSingleton<PocketsphinxTranscriber>();
        services.AddSingleton<UpstreamTranscriber>();
        services.AddSingleton<IModelCatalog, SpeechModelCatalog>();
        services.AddHealthChecks().AddCheck<SpeechHealthCheck>("engines");
        return builder;
    }

    public static IEndpointRouteBuilder MapSpeechApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapSynthesis();
        endpoints.MapTranscription();
        return endpoints;
    }
}
