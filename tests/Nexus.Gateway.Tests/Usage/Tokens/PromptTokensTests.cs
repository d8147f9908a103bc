using System.Text.Json;
using Nexus.Gateway.Forwarding;
using Nexus.Gateway.Usage.Tokens;

namespace Nexus.Gateway.Tests.Usage.Tokens;

/// <summary>Prompt tokens counted with OpenAI's tokenizers, against counts OpenAI publishes.</summary>
public sealed class PromptTokensTests
{
    private static GatewayEndpoint Endpoint(string name) => GatewayEndpoints.OpenAI.Single(e => e.Name == name);

    // Tokenizers are built in the background on first use (requests get the estimate meanwhile): wait for it here.
    private static async Task LoadedAsync(string model) => await OpenAITokenizers.LoadAsync(model)!.WaitAsync(TimeSpan.FromSeconds(60));

    // The example conversation of OpenAI's cookbook "How to count tokens with tiktoken", whose published prompt_tokens
    // (the API's own count) are 129 for gpt-3.5-turbo and gpt-4 (cl100k_base) and 124 for gpt-4o (o200k_base).
    internal static readonly object[] CookbookMessages =
    [
        new { role = "system", content = "You are a helpful, pattern-following assistant that translates corporate jargon into plain English." },
        new { role = "system", name = "example_user", content = "New synergies will help drive top-line growth." },
        new { role = "system", name = "example_assistant", content = "Things working well together will increase revenue." },
        new { role = "system", name = "example_user", content = "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
        new { role = "system", name = "example_assistant", content = "Let's talk later when we're less busy about how to do better." },
        new { role = "user", content = "This late pivot means we don't have time to boil the ocean for the client deliverable." },
    ];

    private static byte[] Chat(string model, object messages, object? extra = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new { model, temperature = 0, messages, extra });

    [Theory]
    [InlineData("gpt-3.5-turbo", 129)]
    [InlineData("gpt-4-0613", 129)]
    [InlineData("gpt-4o", 124)]
    [InlineData("gpt-4o-mini", 124)]
    [InlineData("openai/GPT-4.1-mini", 124)]
    public async Task Count_CookbookConversation_MatchesOpenAIsPromptTokens(string model, long expected)
    {
        await LoadedAsync(model);
        PromptTokens.Count(model, Endpoint("chat.completions"), Chat(model, CookbookMessages)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("gpt-4", "tiktoken is great!", 6)] // the tiktoken README's example: [83, 1609, 5963, 374, 2294, 0]
    [InlineData("text-embedding-3-small", "hello world", 2)]
    [InlineData("o3-mini", "hello world", 2)]
    public async Task Count_EmbeddingInput_IsTheTextsTokens(string model, string input, long expected)
    {
        await LoadedAsync(model);
        var body = JsonSerializer.SerializeToUtf8Bytes(new { model, input });
        PromptTokens.Count(model, Endpoint("embeddings"), body).ShouldBe(expected);
    }

    [Fact]
    public async Task Count_InputOfStringsAndTokenArrays_AddsThemUp()
    {
        await LoadedAsync("gpt-4");
        var strings = JsonSerializer.SerializeToUtf8Bytes(new { model = "gpt-4", input = new[] { "tiktoken is great!", "hello world" } });
        var ids = JsonSerializer.SerializeToUtf8Bytes(new { model = "gpt-4", input = new[] { new[] { 83, 1609, 5963 }, new[] { 374, 2294 } } });
        var prompt = JsonSerializer.SerializeToUtf8Bytes(new { model = "gpt-3.5-turbo-instruct", prompt = "tiktoken is great!" });

        PromptTokens.Count("gpt-4", Endpoint("embeddings"), strings).ShouldBe(8);
        PromptTokens.Count("gpt-4", Endpoint("embeddings"), ids).ShouldBe(5);
        PromptTokens.Count("gpt-3.5-turbo-instruct", Endpoint("completions"), prompt).ShouldBe(6);
    }

    [Fact]
    public async Task Count_EscapedText_CountsTheTextNotItsEscapes()
    {
        await LoadedAsync("gpt-4o");
        var plain = Chat("gpt-4o", new[] { new { role = "user", content = "\"quoted\" line\nnext é" } });
        var escaped = System.Text.Encoding.UTF8.GetBytes("""{"model":"gpt-4o","messages":[{"role":"user","content":"\u0022quoted\u0022 line\nnext \u00e9"}]}""");

        PromptTokens.Count("gpt-4o", Endpoint("chat.completions"), escaped).ShouldBe(PromptTokens.Count("gpt-4o", Endpoint("chat.completions"), plain));
    }

    [Fact]
    public async Task Count_TextPartsAndImageParts_CountsTextAndEstimatesTheImage()
    {
        await LoadedAsync("gpt-4o");
        var textOnly = Chat("gpt-4o", new[] { new { role = "user", content = new object[] { new { type = "text", text = "hello world" } } } });
        var withImage = Chat("gpt-4o", new[] { new { role = "user", content = new object[] { new { type = "text", text = "hello world" }, new { type = "image_url", image_url = new { url = "data:image/png;base64," + new string('A', 4000) } } } } });

        PromptTokens.Count("gpt-4o", Endpoint("chat.completions"), textOnly).ShouldBe(3 + 1 + 2 + 3); // message framing, "user", "hello world", reply
        PromptTokens.Count("gpt-4o", Endpoint("chat.completions"), withImage).ShouldBeGreaterThan(9 + 1000);
    }

    [Theory]
    [InlineData("gpt-4o", "o200k")]
    [InlineData("GPT-4O-MINI-2024-07-18", "o200k")]
    [InlineData("gpt-4.1-nano", "o200k")]
    [InlineData("o1", "o200k")]
    [InlineData("o4-mini", "o200k")]
    [InlineData("gpt-4", "cl100k")]
    [InlineData("gpt-4-turbo", "cl100k")]
    [InlineData("gpt-3.5-turbo-0125", "cl100k")]
    [InlineData("text-embedding-ada-002", "cl100k")]
    [InlineData("llama3.2", "none")]
    [InlineData("o1x", "none")]
    [InlineData("gpt-40", "none")]
    public void EncodingOf_ModelFamilies_PicksOpenAIsEncoding(string model, string expected)
    {
        OpenAITokenizers.EncodingOf(model).ToString().ToLowerInvariant().ShouldBe(expected);
    }

    [Theory]
    [InlineData("llama3.2")]
    [InlineData("gpt-4x")]
    [InlineData("o1x")]
    public void Count_UnknownModel_IsTheByteEstimate(string model)
    {
        var body = Chat(model, CookbookMessages);
        PromptTokens.Count(model, Endpoint("chat.completions"), body).ShouldBe(body.Length / 4 + 1);
    }

    [Fact]
    public async Task Count_TextBeyondTheCap_IsEstimatedNotTokenized()
    {
        await LoadedAsync("gpt-4o");
        var huge = new string('a', PromptTokens.MaxCountedChars + 1);
        var body = Chat("gpt-4o", new[] { new { role = "user", content = huge } });

        PromptTokens.Count("gpt-4o", Endpoint("chat.completions"), body).ShouldBe(3 + 1 + PromptTokens.Estimate(huge.Length) + 3);
    }
}
