using System.Text;
using System.Text.RegularExpressions;

namespace Nexus.Services.Knowledge.Documents;

/// <summary>
/// Markdown as the words a reader sees: headings, quotes and list items without their markers, links and images as
/// their text, emphasis and code marks dropped, fenced code kept as its lines. The expressions run on the
/// non-backtracking engine, linear in the input's length, so no document can make them slow.
/// </summary>
internal static partial class MarkdownText
{
    public static string Extract(string markdown)
    {
        var result = new StringBuilder(markdown.Length);
        foreach (var raw in markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (Fence().IsMatch(line) || Rule().IsMatch(line)) continue;
            line = BlockMarker().Replace(line, "");
            line = Image().Replace(line, "$1");
            line = Link().Replace(line, "$1");
            line = Emphasis().Replace(line, "");
            result.Append(line).Append('\n');
        }

        return HtmlText.Normalize(result.ToString());
    }

    [GeneratedRegex(@"^\s*(```|~~~)", RegexOptions.NonBacktracking)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*([-*_]\s*){3,}$", RegexOptions.NonBacktracking)]
    private static partial Regex Rule();

    /// <summary>Leading <c>#</c>s of a heading and <c>&gt;</c>s of a quote.</summary>
    [GeneratedRegex(@"^\s{0,3}(#{1,6}\s+|(>\s?)+)", RegexOptions.NonBacktracking)]
    private static partial Regex BlockMarker();

    [GeneratedRegex(@"!\[([^\]\n]*)\]\([^)\n]*\)", RegexOptions.NonBacktracking)]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]\n]*)\]\([^)\n]*\)", RegexOptions.NonBacktracking)]
    private static partial Regex Link();

    /// <summary>Asterisks, double underscores and backticks; a single underscore stays, as in <c>snake_case</c>.</summary>
    [GeneratedRegex(@"\*+|__+|`+", RegexOptions.NonBacktracking)]
    private static partial Regex Emphasis();
}
