using System.Text;
using Nexus.Services.Engines;

namespace Nexus.Services.Knowledge.Documents;

/// <summary>Turns a document in one of the <see cref="DocumentFormat"/>s into the plain text that is chunked and embedded.</summary>
internal sealed class DocumentReader(PdfText pdf)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Text as a client sent it in JSON.</summary>
    public static string FromText(string text, string format) => format switch
    {
        DocumentFormat.Markdown => MarkdownText.Extract(text),
        DocumentFormat.Html => HtmlText.Extract(text),
        _ => HtmlText.Normalize(text),
    };

    /// <summary>
    /// An uploaded file. Text formats must be UTF-8 (a byte order mark is dropped); a PDF goes through pdftotext.
    /// Throws <see cref="UnreadableInputException"/> (400) for bytes that are not what they claim and
    /// <see cref="UnsupportedDocumentException"/> (415) for a PDF without pdftotext.
    /// </summary>
    public async Task<string> FromFileAsync(Stream file, string format, CancellationToken cancellationToken)
    {
        if (format == DocumentFormat.Pdf) return HtmlText.Normalize(await pdf.ExtractAsync(file, cancellationToken));

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[Encoding.UTF8.Preamble.Length..];
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new UnreadableInputException($"The file is not UTF-8 {format}; convert it to UTF-8 first.");
        }

        return FromText(text, format);
    }
}
