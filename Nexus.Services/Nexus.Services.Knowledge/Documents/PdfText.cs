using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Nexus.Services.Engines;

namespace Nexus.Services.Knowledge.Documents;

/// <summary>
/// The text of a PDF through poppler's <c>pdftotext</c>, pages separated by form feeds (which the chunker turns into
/// page numbers). Without pdftotext, PDFs are refused with 415 and the reason; every other format still works.
/// </summary>
internal sealed partial class PdfText(IOptions<KnowledgeOptions> options, EngineGate gate)
{
    private readonly KnowledgeOptions _options = options.Value;

    /// <summary>The resolved pdftotext, or <c>null</c> when it is not installed.</summary>
    public string? Program => Programs.Resolve(_options.PdfToText);

    public async Task<string> ExtractAsync(Stream pdf, CancellationToken cancellationToken)
    {
        var program = Program ?? throw new UnsupportedDocumentException($"PDF needs {_options.PdfToText} (poppler-utils), which is not installed here; send the text instead.");
        var path = Path.Combine(Path.GetTempPath(), $"nexus-knowledge-{Guid.NewGuid():N}.pdf");
        try
        {
            await using (var file = File.Create(path))
            {
                await pdf.CopyToAsync(file, cancellationToken);
            }

            using var slot = await gate.EnterAsync(cancellationToken);
            await using var process = EngineProcess.Start(program, ["-enc", "UTF-8", "-eol", "unix", path, "-"], _options.ConversionTimeout, cancellationToken);
            process.Input.Close();
            using var reader = new StreamReader(process.Output, new UTF8Encoding(false));
            var text = await reader.ReadToEndAsync(cancellationToken);
            await process.WaitForSuccessAsync(Unreadable());
            return text;
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>What pdftotext 22 prints for a file that is not a PDF, a truncated one, or one locked with a password.</summary>
    [GeneratedRegex(@"Syntax Error|May not be a PDF|Couldn't (find|read)|Incorrect password|Error opening")]
    private static partial Regex Unreadable();
}

/// <summary>A document in a format the service cannot read here: 415 with the reason.</summary>
internal sealed class UnsupportedDocumentException(string message) : Exception(message);
