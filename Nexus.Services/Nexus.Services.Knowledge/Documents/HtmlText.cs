using System.Net;
using System.Text;

namespace Nexus.Services.Knowledge.Documents;

/// <summary>
/// The readable text of an HTML page: element content without tags, scripts, styles or comments, block elements on
/// lines of their own, entities decoded. Hand-written because no HTML parser is among the project's packages and
/// retrieval needs only the text: one pass over the input, linear in its length whatever the markup, so a hostile page
/// cannot make it slow (a regular expression over nested or unclosed tags can be).
/// </summary>
internal static class HtmlText
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase) { "script", "style", "head", "noscript", "template", "svg", "iframe", "object" };

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article", "header",
        "footer", "blockquote", "pre", "hr", "dt", "dd", "dl", "figcaption", "main", "nav", "aside",
    };

    public static string Extract(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        var i = 0;
        while (i < html.Length)
        {
            var open = html.IndexOf('<', i);
            if (open < 0)
            {
                text.Append(html, i, html.Length - i);
                break;
            }

            text.Append(html, i, open - i);
            if (string.CompareOrdinal(html, open, "<!--", 0, 4) == 0)
            {
                var end = html.IndexOf("-->", open + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }

            var close = html.IndexOf('>', open + 1);
            if (close < 0) break; // an unclosed tag at the end: nothing readable follows
            var name = TagName(html, open + 1, close, out var closing);
            i = close + 1;
            if (name.Length == 0) continue;
            if (!closing && Skipped.Contains(name) && html[close - 1] != '/')
            {
                // Up to this element's end tag; a page that never closes it has nothing readable after it.
                var end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                var gt = end < 0 ? -1 : html.IndexOf('>', end);
                i = gt < 0 ? html.Length : gt + 1;
                continue;
            }

            if (Blocks.Contains(name)) text.Append('\n');
            else if (name.Equals("td", StringComparison.OrdinalIgnoreCase) || name.Equals("th", StringComparison.OrdinalIgnoreCase)) text.Append(' ');
        }

        return Normalize(WebUtility.HtmlDecode(text.ToString()));
    }

    private static string TagName(string html, int start, int end, out bool closing)
    {
        closing = start < end && html[start] == '/';
        if (closing) start++;
        var length = 0;
        while (start + length < end && char.IsAsciiLetterOrDigit(html[start + length])) length++;
        return html.Substring(start, length);
    }

    /// <summary>Runs of spaces become one, blank lines at most one, each line trimmed.</summary>
    internal static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var result = new StringBuilder(text.Length);
        var blank = true;
        foreach (var raw in lines)
        {
            var line = CollapseSpaces(raw);
            if (line.Length == 0)
            {
                if (!blank) result.Append('\n');
                blank = true;
                continue;
            }

            result.Append(line).Append('\n');
            blank = false;
        }

        return result.ToString().Trim();
    }

    private static string CollapseSpaces(string line)
    {
        var result = new StringBuilder(line.Length);
        var space = false;
        foreach (var c in line)
        {
            if (char.IsWhiteSpace(c) && c != '\f')
            {
                space = result.Length > 0;
                continue;
            }

            if (space) result.Append(' ');
            result.Append(c);
            space = false;
        }

        return result.ToString();
    }
}
