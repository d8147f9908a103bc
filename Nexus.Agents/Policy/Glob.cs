namespace Nexus.Agents.Policy;

/// <summary>Glob matching over names and argument values: <c>*</c> is any run of characters, <c>?</c> one character.</summary>
public static class Glob
{
    public static bool Matches(string pattern, string text) => Match(pattern, 0, text, 0);

    public static string? FirstMatch(IEnumerable<string> patterns, string text) => patterns.FirstOrDefault(p => Matches(p, text));

    private static bool Match(string pattern, int p, string text, int t)
    {
        // Iterative with one backtrack point: linear for the usual patterns, never exponential.
        int star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
