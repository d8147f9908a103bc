namespace Nexus.Services.Knowledge.Documents;

/// <summary>The kinds of document the service reads, by name (<c>format</c>), media type and file extension.</summary>
internal static class DocumentFormat
{
    public const string Text = "text";
    public const string Markdown = "markdown";
    public const string Html = "html";
    public const string Pdf = "pdf";

    public static IReadOnlyList<string> All { get; } = [Text, Markdown, Html, Pdf];

    /// <summary>The formats a JSON body may carry as text; a PDF comes only as an uploaded file.</summary>
    public static IReadOnlyList<string> TextFormats { get; } = [Text, Markdown, Html];

    private static readonly Dictionary<string, string> MediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/plain"] = Text,
        ["text/markdown"] = Markdown,
        ["text/x-markdown"] = Markdown,
        ["text/html"] = Html,
        ["application/xhtml+xml"] = Html,
        ["application/pdf"] = Pdf,
    };

    private static readonly Dictionary<string, string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = Text,
        [".text"] = Text,
        [".md"] = Markdown,
        [".markdown"] = Markdown,
        [".html"] = Html,
        [".htm"] = Html,
        [".xhtml"] = Html,
        [".pdf"] = Pdf,
    };

    /// <summary>
    /// An upload's format: the one asked for, else its part's media type, else its file name's extension, else what its
    /// first bytes say (<c>%PDF-</c>); <c>null</c> when none of them names a format this service reads.
    /// </summary>
    public static string? OfUpload(string? requested, string? mediaType, string? fileName, ReadOnlySpan<byte> head)
    {
        if (!string.IsNullOrWhiteSpace(requested)) return All.FirstOrDefault(f => string.Equals(f, requested, StringComparison.OrdinalIgnoreCase));
        if (mediaType is not null && MediaTypes.TryGetValue(mediaType.Split(';')[0].Trim(), out var byType)) return byType;
        if (Path.GetExtension(fileName) is { Length: > 0 } extension && Extensions.TryGetValue(extension, out var byName)) return byName;
        return head.StartsWith("%PDF-"u8) ? Pdf : null;
    }
}
