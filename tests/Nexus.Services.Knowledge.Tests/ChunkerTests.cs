using Nexus.Services.Knowledge.Documents;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>Splitting text into overlapping chunks at natural boundaries, with positions that point back into the text.</summary>
public sealed class ChunkerTests
{
    private static readonly string Text = string.Join("\n\n", Enumerable.Range(1, 30).Select(i =>
        $"Paragraph {i} talks about topic number {i}. It has a second sentence with a few more words in it, so that it is long enough."));

    [Fact]
    public void Split_LongText_ChunksFitTheSizeOverlapAndPointBackIntoTheText()
    {
        var chunks = Chunker.Split(Text, 400, 80, paged: false);

        chunks.Count.ShouldBeGreaterThan(Text.Length / 400);
        chunks.Select(c => c.Position).ShouldBe(Enumerable.Range(0, chunks.Count));
        foreach (var chunk in chunks)
        {
            chunk.Length.ShouldBeLessThanOrEqualTo(400);
            Text.Substring(chunk.Start, chunk.Length).ShouldBe(chunk.Text);
            chunk.Page.ShouldBeNull();
        }

        for (var i = 1; i < chunks.Count; i++)
        {
            // Each chunk begins before the previous one ends (the overlap), and after it begins (progress).
            chunks[i].Start.ShouldBeLessThan(chunks[i - 1].Start + chunks[i - 1].Length);
            chunks[i].Start.ShouldBeGreaterThan(chunks[i - 1].Start);
        }

        // Cuts fall at paragraph or sentence ends, not mid-word.
        chunks.Take(chunks.Count - 1).ShouldAllBe(c => c.Text.EndsWith('.'));
    }

    [Fact]
    public void Split_ShortText_IsOneChunkWithoutSurroundingSpace()
    {
        var chunks = Chunker.Split("  \n Just one line.  \n", 400, 80, paged: false);

        chunks.ShouldHaveSingleItem().Text.ShouldBe("Just one line.");
        chunks[0].Start.ShouldBe(4);
    }

    [Fact]
    public void Split_PagedText_NumbersThePageEachChunkStartsOn()
    {
        var page = string.Concat(Enumerable.Repeat("Words on a page of a document. ", 10)).Trim();
        var chunks = Chunker.Split($"{page}\f{page}\f{page}", 400, 0, paged: true);

        chunks.Select(c => c.Page).ShouldBe([1, 2, 3]);
        chunks.ShouldAllBe(c => !c.Text.Contains('\f'));
    }

    [Fact]
    public void Split_OneHugeWord_IsCutHardRatherThanLoopingForever()
    {
        var chunks = Chunker.Split(new string('x', 1000), 300, 50, paged: false);

        chunks.Sum(c => c.Length).ShouldBeGreaterThanOrEqualTo(1000);
        chunks.ShouldAllBe(c => c.Length <= 300);
    }
}
