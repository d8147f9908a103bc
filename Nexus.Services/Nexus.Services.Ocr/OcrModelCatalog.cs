using Microsoft.Extensions.Options;
using Nexus.Contract;

namespace Nexus.Services.Ocr;

/// <summary>One model per installed language (<c>tesseract-eng</c>, ...); not ready, with the reason, without tesseract.</summary>
internal sealed class OcrModelCatalog(TesseractEngine engine, IOptions<OcrOptions> options) : IModelCatalog
{
    public async ValueTask<IReadOnlyList<ModelDescriptor>> GetModelsAsync(CancellationToken cancellationToken)
    {
        if (!engine.IsInstalled)
        {
            return [new ModelDescriptor { Id = "tesseract", OwnedBy = "tesseract", InputModalities = ["image"], OutputModalities = ["text"], Ready = false, Reason = $"{options.Value.Tesseract} is not installed" }];
        }

        var languages = await engine.LanguagesAsync(cancellationToken);
        return languages.Select(language => new ModelDescriptor
        {
            Id = $"tesseract-{language}",
            OwnedBy = "tesseract",
            InputModalities = ["image"],
            OutputModalities = ["text"],
            Labels = new Dictionary<string, string> { ["language"] = language },
        }).ToList();
    }
}
