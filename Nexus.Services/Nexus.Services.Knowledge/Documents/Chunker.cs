namespace Nexus.Services.Knowledge.Documents;

/// <summary>One piece of a document: its text, where it starts in the document's text, and its page for paged formats.</summary>
/// <param name="Position">The chunk's index in its document, from 0: the citation's position.</param>
/// <param name="Text">Its text; a PDF's page breaks are line breaks.</param>
/// <param name="Start">Offset of its first character in the document's text.</param>
/// <param name="Length">Its length in the document's text.</param>
/// <param name="Page">The 1-based page it starts on (PDF), else <c>null</c>.</param>
internal sealed record Chunk(int Position, string Text, int Start, int Length, int? Page);

/// <summary>
/// Splits text into chunks of at most <c>size</c> characters that overlap by about <c>overlap</c>, cutting where a
/// reader would: at a paragraph break if one falls in the second half of the window, else at a sentence end, else
/// between words, and only mid-word in a word longer than half a chunk.
/// </summary>
internal static class Chunker
{
    public static List<Chunk> Split(string text, int size, int overlap, bool paged)
    {
        var chunks = new List<Chunk>();
        var page = 1;
        var pageCountedTo = 0;
        var start = SkipSpace(text, 0, text.Length);
        while (start < text.Length)
        {
            var end = Math.Min(start + size, text.Length);
            if (end < text.Length) end = Break(text, start + (size / 2), end);

            var first = SkipSpace(text, start, end);
            var last = end;
            while (last > first && char.IsWhiteSpace(text[last - 1])) last--;
            if (last > first)
            {
                while (paged && pageCountedTo < first)
                {
                    if (text[pageCountedTo++] == '\f') page++;
                }

                chunks.Add(new Chunk(chunks.Count, text[first..last].Replace('\f', '\n'), first, last - first, paged ? page : null));
            }

            if (end >= text.Length) break;
            var next = WordStart(text, Math.Max(start + 1, end - overlap), end);
            start = SkipSpace(text, next, text.Length);
        }

        return chunks;
    }

    /// <summary>Where to end a chunk in <c>[low, high]</c>: just after the best boundary, or <paramref name="high"/> if none.</summary>
    private static int Break(string text, int low, int high)
    {
        int? sentence = null, word = null;
        for (var i = high; i > low; i--)
        {
            var c = text[i - 1];
            var next = i < text.Length ? text[i] : ' ';
            if (c == '\f' || (c == '\n' && i >= 2 && text[i - 2] == '\n')) return i;
            if (sentence is null && (c == '\n' || ((c is '.' or '?' or '!') && char.IsWhiteSpace(next)))) sentence = i;
            if (word is null && char.IsWhiteSpace(c)) word = i;
        }

        return sentence ?? word ?? high;
    }

    /// <summary>The first word start at or after <paramref name="from"/>, before <paramref name="limit"/>; else <paramref name="limit"/>.</summary>
    private static int WordStart(string text, int from, int limit)
    {
        for (var i = from; i < limit; i++)
        {
            if (i == 0 || (char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i]))) return i;
        }

        return limit;
    }

    private static int SkipSpace(string text, int from, int limit)
    {
        while (from < limit && char.IsWhiteSpace(text[from])) from++;
        return from;
    }
}
