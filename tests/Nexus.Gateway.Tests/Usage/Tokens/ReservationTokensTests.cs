using System.Globalization;
using System.Text.Json;
using Nexus.Gateway.Tests.Infrastructure;
using Nexus.Gateway.Usage.Tokens;

namespace Nexus.Gateway.Tests.Usage.Tokens;

/// <summary>The tokens reserved against a tokens-per-minute limit: the prompt's exact count for an OpenAI-family model.</summary>
public sealed class ReservationTokensTests
{
    private const long Limit = 100_000;

    private static object Body(string model) => new { model, max_tokens = 10, messages = PromptTokensTests.CookbookMessages };

    [Theory]
    [InlineData("gpt-4o-mini", 124)] // OpenAI's own prompt_tokens for this conversation (see PromptTokensTests)
    [InlineData("gpt-3.5-turbo", 129)]
    public async Task Chat_OpenAIFamilyModel_ReservesTheExactPromptCountPlusMaxTokens(string model, long promptTokens)
    {
        await OpenAITokenizers.LoadAsync(model)!.WaitAsync(TimeSpan.FromSeconds(60)); // built in the background on first use
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model(model, upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { tokensPerMinute = Limit });
        using var client = gateway.Client(key);

        using var response = await client.PostAsJsonAsync("v1/chat/completions", Body(model));

        response.EnsureSuccessStatusCode();
        Remaining(response).ShouldBe(Limit - promptTokens - 10);
    }

    [Fact]
    public async Task Chat_ExactCountsTurnedOff_ReservesTheByteEstimate()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("gpt-4o", upstream).With("Nexus:Gateway:ExactPromptTokens", "false"));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { tokensPerMinute = Limit });
        using var client = gateway.Client(key);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Body("gpt-4o"));

        using var response = await client.PostAsync("v1/chat/completions", new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } });

        response.EnsureSuccessStatusCode();
        Remaining(response).ShouldBe(Limit - (bytes.Length / 4 + 1) - 10);
    }

    [Fact]
    public async Task Chat_UnknownModel_ReservesTheByteEstimate()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await GatewayHost.StartAsync(Routes.Model("llama", upstream));
        var (_, _, key) = await gateway.CreateKeyAsync(tenantPolicy: new { tokensPerMinute = Limit });
        using var client = gateway.Client(key);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(Body("llama"));

        using var response = await client.PostAsync("v1/chat/completions", new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } });

        response.EnsureSuccessStatusCode();
        Remaining(response).ShouldBe(Limit - (bytes.Length / 4 + 1) - 10);
    }

    private static long Remaining(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("x-ratelimit-remaining-tokens").Single(), CultureInfo.InvariantCulture);
}
