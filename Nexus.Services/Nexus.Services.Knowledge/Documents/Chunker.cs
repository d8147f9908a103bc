namespace Nexus.Services.Knowledge.Documents;

/// <summary>One piece of a document: its text, where it starts in the document's text, and its page for paged formats.</summary>
/// <param name="Position">The chunk's index in its document, from 0: the citation's position.</param>
/// <param name="Text">Its text.</param>
/// <param name="Start">Offset of its first character in the document's text.</param>
/// <param name="Length">Its length in the document's text.</param>
/// <param name="Page">The 1-based page it starts on (PDF), else <c>null</c>.</param>
internal sealed record Chunk(int Position, string Text, int Start, int Length, int? Page);

/// <summary>
/// Splits text into chunks of at most <c>size</c> characters that overlap by about <c>overlap</c>, cutting where a
/// reader would: at a page break always, at a paragraph break if one falls in the second half of the window, else at
/// a sentence end, else between words, and only mid-word in a word longer than half a chunk.
/// </summary>
internal static class Chunker
{
    /// <summary>
    /// The chunks of <paramref name="text"/>, at most <paramref name="size"/> characters, each repeating about
    /// <paramref name="overlap"/> of the one before. With <paramref name="paged"/> (a PDF's text, pages separated by form
    /// feeds) no chunk spans two pages, so a citation names one.
    /// </summary>
    public static List<Chunk> Split(string text, int size, int overlap, bool paged)
    {
        var chunks = new List<Chunk>();
        if (!paged)
        {
            SplitRange(text, 0, text.Length, size, overlap, null, chunks);
            return chunks;
        }

        var (start, page) = (0, 1);
        while (start <= text.Length)
        {
            var end = text.IndexOf('\f', start);
            if (end < 0) end = text.Length;
            SplitRange(text, start, end, size, overlap, page, chunks);
            (start, page) = (end + 1, page + 1);
        }

        return chunks;
    }

    private static void SplitRange(string text, int from, int to, int size, int overlap, int? page, List<Chunk> chunks)
    {
        var start = SkipSpace(text, from, to);
        while (start < to)
        {
            var end = Math.Min(start + size, to);
            if (end < to) end = Break(text, start + (size / 2), end);

            var last = end;
            while (last > start && char.IsWhiteSpace(text[last - 1])) last--;
            if (last > start) chunks.Add(new Chunk(chunks.Count, text[start..last], start, last - start, page));

            if (end >= to) break;
            var next = WordStart(text, Math.Max(start + 1, end - overlap), end);
            start = SkipSpace(text, next, to);
        }
    }

    /// <summary>Where to end a chunk in <c>[low, high]</c>: just after the best boundary, or <paramref name="high"/> if none.</summary>
    private static int Break(string text, int low, int high)
    {
        int? sentence = null, word = null;
        for (var i = high; i > low; i--)
        {
            var c = text[i - 1];
            var next = i < text.Length ? text[i] : ' ';
            if (c == '\n' && i >= 2 && text[i - 2] == '\n') return i;
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
