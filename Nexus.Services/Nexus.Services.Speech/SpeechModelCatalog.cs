using Microsoft.Extensions.Options;
using Nexus.Contract;
using Nexus.Services.Engines;
using Nexus.Services.Speech.Synthesis;
using Nexus.Services.Speech.Transcription;

namespace Nexus.Services.Speech;

/// <summary>The models this service answers to, each ready only when its engine is installed (or its upstream configured).</summary>
internal sealed class SpeechModelCatalog(IOptions<SpeechOptions> options) : IModelCatalog
{
    public ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var espeak = Programs.Resolve(settings.Espeak) is not null;
        var pocketsphinx = Programs.Resolve(settings.Pocketsphinx) is not null;
        var converter = Programs.Resolve(settings.Ffmpeg) is not null || Programs.Resolve(settings.Sox) is not null;

        var models = SpeechApi.Models.Select(id => new ModelDescriptor
        {
            Id = id,
            OwnedBy = "espeak-ng",
            InputModalities = ["text"],
            OutputModalities = ["audio"],
            Ready = espeak,
            Reason = espeak ? null : $"{settings.Espeak} is not installed",
        }).ToList();

        models.Add(new ModelDescriptor
        {
            Id = PocketsphinxTranscriber.ModelId,
            OwnedBy = "cmusphinx",
            InputModalities = ["audio"],
            OutputModalities = ["text"],
            Ready = pocketsphinx && converter,
            Reason = !pocketsphinx ? $"{settings.Pocketsphinx} is not installed" : converter ? null : "neither ffmpeg nor sox is installed",
        });

        if (settings.Upstream.Url is not null)
        {
            models.Add(new ModelDescriptor { Id = settings.Upstream.ModelId, OwnedBy = "upstream", InputModalities = ["audio"], OutputModalities = ["text"] });
        }

        return ValueTask.FromResult<IReadOnlyList<ModelDescriptor>>(models);
    }
}
