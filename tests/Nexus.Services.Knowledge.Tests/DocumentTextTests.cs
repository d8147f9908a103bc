using Nexus.Services.Knowledge.Documents;

namespace Nexus.Services.Knowledge.Tests;

/// <summary>HTML and Markdown become the text a reader sees.</summary>
public sealed class DocumentTextTests
{
    [Fact]
    public void Html_Page_KeepsTheTextAndDropsScriptsStylesCommentsAndTags()
    {
        var text = HtmlText.Extract("""
            <html><head><title>T</title><style>p{color:red}</style></head>
            <body><h1>Title</h1><p>One &amp; two<br>three</p><script>alert("x")</script><!-- hidden --><ul><li>a</li><li>b</li></ul></body></html>
            """);

        // Block elements end lines; consecutive ones leave a blank line, which the chunker takes as a paragraph break.
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["Title", "One & two", "three", "a", "b"]);
    }

    [Fact]
    public void Html_UnclosedScriptOrTag_EndsTheTextWithoutError()
    {
        HtmlText.Extract("before<script>never closed").ShouldBe("before");
        HtmlText.Extract("text <b unclosed").ShouldBe("text");
    }

    [Fact]
    public void Markdown_Document_DropsMarkersAndKeepsLinkText()
    {
        var text = MarkdownText.Extract("""
            # Heading

            > A **quoted** line with a [link](https://example.org) and ![an image](x.png).

            ```
            code_line()
            ```
            ---
            """);

        text.ShouldBe("Heading\n\nA quoted line with a link and an image.\n\ncode_line()");
    }
}
