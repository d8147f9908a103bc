using System.Text;
using Microsoft.Extensions.AI;

namespace Nexus.Services.Inference.Tests.Clients;

/// <summary>
/// How an agent talks to the service (or to the gateway in front of it): the OpenAI SDK's chat client as an
/// <see cref="IChatClient"/> through Microsoft.Extensions.AI.OpenAI, with M.E.AI's middleware. The tool loop needs the
/// service to relay tool calls and tool results intact, streamed or not.
/// </summary>
public sealed class ChatClientTests
{
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task GetResponseAsync_WithFunctionInvocation_CallsTheToolAndAnswersWithItsResult()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url);
        var calls = 0;
        var weather = AIFunctionFactory.Create((string city) => { calls++; return $"12 °C and clear in {city}"; }, "get_weather", "The weather in a city.");
        using var chat = ChatClient(service);

        var response = await chat.GetResponseAsync("Weather in Oslo?", new ChatOptions { Tools = [weather] }).WaitAsync(Phase);

        calls.ShouldBe(1);
        // M.E.AI sends a tool's result as JSON, here a JSON string, which the fake model quotes.
        response.Text.ShouldBe("In Oslo it is \"12 °C and clear in Oslo\".");
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        // Both rounds' usage: the tool call's (9 + 5) and the answer's (5 + 3).
        response.Usage!.TotalTokenCount.ShouldBe(22);
        var sent = upstream.LastBody!["messages"]!.AsArray();
        sent.Select(m => m!["role"]!.GetValue<string>()).ShouldBe(["user", "assistant", "tool"]);
        sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>().ShouldBe("call_1");
        sent[2]!["tool_call_id"]!.GetValue<string>().ShouldBe("call_1");
        upstream.LastBody!["tools"]![0]!["function"]!["parameters"]!["properties"]!["city"]!["type"]!.GetValue<string>().ShouldBe("string");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_WithFunctionInvocation_AssemblesTheStreamedCallAndStreamsTheAnswer()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url);
        string? asked = null;
        var weather = AIFunctionFactory.Create((string city) => { asked = city; return "12 °C"; }, "get_weather", "The weather in a city.");
        using var chat = ChatClient(service);

        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(Phase);
        await foreach (var update in chat.GetStreamingResponseAsync("Weather in Oslo?", new ChatOptions { Tools = [weather] }, timeout.Token))
        {
            text.Append(update.Text);
            // The upstream holds its second chunk until the first has reached the client through the service.
            if (text.ToString() == "Hel") upstream.ReleaseSecondChunk.TrySetResult();
        }

        // The arguments arrived in two SSE chunks ({"city": and "Oslo"}); the tool got them whole.
        asked.ShouldBe("Oslo");
        text.ToString().ShouldBe("Hello");
        upstream.LastBody!["messages"]!.AsArray()[^1]!["content"]!.GetValue<string>().ShouldBe("\"12 °C\"");
    }

    private static IChatClient ChatClient(InferenceHost service) =>
        service.OpenAI().GetChatClient("llama3.2").AsIChatClient()
            .AsBuilder()
            .UseFunctionInvocation()
            .UseOpenTelemetry()
            .UseLogging(service.App.Services.GetRequiredService<ILoggerFactory>())
            .Build();
}
