namespace Nexus.Services.Knowledge.Retrieval;

/// <summary>
/// The keyword half of hybrid scoring: the share of a query's distinct words (lower case, two letters or more, common
/// English function words left out) that a chunk contains as whole words. It needs no index and no statistics of the
/// collection, so it runs in the same single pass as the similarity scan.
/// </summary>
internal static class Keywords
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from", "how", "in", "is", "it", "its", "of", "on",
        "or", "that", "the", "this", "to", "was", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your", "about",
    };

    public static HashSet<string> Terms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(text))
        {
            if (word.Length >= 2 && !StopWords.Contains(word)) terms.Add(word);
        }

        return terms;
    }

    /// <summary>The share of <paramref name="terms"/> found in <paramref name="text"/>, 0 to 1; 0 for a query without terms.</summary>
    public static double Score(IReadOnlySet<string> terms, string text)
    {
        if (terms.Count == 0) return 0;
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(text))
        {
            if (terms.Contains(word)) found.Add(word);
            if (found.Count == terms.Count) break;
        }

        return found.Count / (double)terms.Count;
    }

    private static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0) start = i;
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }
}
