using Microsoft.Extensions.Options;
using Nexus.Services.Engines;

namespace Nexus.Services.Ocr;

/// <summary>Runs tesseract on an image file and lists its installed languages.</summary>
internal sealed class TesseractEngine(IOptions<OcrOptions> options, EngineGate gate)
{
    public async Task<OcrResult> ReadAsync(string imagePath, string language, CancellationToken cancellationToken)
    {
        var tesseract = Executable();
        using var slot = await gate.EnterAsync(cancellationToken);
        await using var run = EngineProcess.Start(tesseract, [imagePath, "stdout", "-l", language, "tsv"], options.Value.EngineTimeout, cancellationToken);
        run.Input.Close();
        using var reader = new StreamReader(run.Output);
        var tsv = await reader.ReadToEndAsync(cancellationToken);
        await run.WaitForSuccessAsync(UnreadableInput.Tesseract());
        return TesseractOutput.Parse(tsv, language);
    }

    /// <summary>The languages tesseract has data for (<c>tesseract --list-langs</c>), without the orientation model.</summary>
    public async Task<IReadOnlyList<string>> LanguagesAsync(CancellationToken cancellationToken)
    {
        await using var run = EngineProcess.Start(Executable(), ["--list-langs"], TimeSpan.FromSeconds(10), cancellationToken);
        run.Input.Close();
        using var reader = new StreamReader(run.Output);
        var output = await reader.ReadToEndAsync(cancellationToken);
        await run.WaitForSuccessAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Skip(1) // "List of available languages in ..."
            .Where(language => language != "osd")
            .ToList();
    }

    public bool IsInstalled => Programs.Resolve(options.Value.Tesseract) is not null;

    private string Executable() =>
        Programs.Resolve(options.Value.Tesseract) ?? throw new EngineUnavailableException($"{options.Value.Tesseract} is not installed; OCR is unavailable.");
}
