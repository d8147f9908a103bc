using System.ClientModel;
using System.Text;
using Microsoft.Extensions.AI;
using Nexus.Services.Inference.Client;
using OpenAI;

namespace Nexus.Services.Inference.Tests.Client;

public sealed class OpenAIChatClientAdapterTests
{
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task GetResponseAsync_PlainQuestion_AnswerWithFinishReasonAndUsage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var chat = ChatClient(upstream);

        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).WaitAsync(Phase);

        response.Text.ShouldBe("Hello there.");
        response.Messages.Single().Role.ShouldBe(ChatRole.Assistant);
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.ResponseId.ShouldBe("chatcmpl-1");
        response.Usage!.InputTokenCount.ShouldBe(5);
        response.Usage.OutputTokenCount.ShouldBe(3);
        response.Usage.TotalTokenCount.ShouldBe(8);
    }

    [Fact]
    public async Task GetResponseAsync_Options_ReachTheServer()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var chat = ChatClient(upstream);
        var options = new ChatOptions
        {
            ModelId = "qwen3:0.6b",
            Instructions = "Answer briefly.",
            Temperature = 0.25f,
            TopP = 0.5f,
            MaxOutputTokens = 64,
            StopSequences = ["END"],
        };

        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "Hi")], options).WaitAsync(Phase);

        response.ModelId.ShouldBe("qwen3:0.6b");
        var body = upstream.LastBody!;
        body["model"]!.GetValue<string>().ShouldBe("qwen3:0.6b");
        body["temperature"]!.GetValue<double>().ShouldBe(0.25, 1e-6);
        body["top_p"]!.GetValue<double>().ShouldBe(0.5, 1e-6);
        body["max_completion_tokens"]!.GetValue<int>().ShouldBe(64);
        body["stop"]!.AsArray().Select(s => s!.GetValue<string>()).ShouldBe(["END"]);
        var messages = body["messages"]!.AsArray();
        messages.Select(m => m!["role"]!.GetValue<string>()).ShouldBe(["system", "system", "user"]);
        messages[0]!["content"]!.ToJsonString().ShouldContain("Answer briefly.");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Answer_ArrivesInPiecesWithFinishReasonAndUsage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var chat = ChatClient(upstream);

        var updates = new List<ChatResponseUpdate>();
        var text = new StringBuilder();
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Hi")]).WithCancellation(new CancellationTokenSource(Phase).Token))
        {
            updates.Add(update);
            text.Append(update.Text);
            // The server holds its second piece until the first has reached the caller.
            if (text.ToString() == "Hel") upstream.ReleaseSecondChunk.TrySetResult();
        }

        var response = updates.ToChatResponse();
        updates.Count(u => u.Text.Length > 0).ShouldBe(2);
        response.Text.ShouldBe("Hello");
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
        response.Usage!.TotalTokenCount.ShouldBe(8);
        upstream.LastBody!["stream"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task GetResponseAsync_ToolCallRoundTrip_ResultReachesTheModelAndShapesTheAnswer()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var chat = ChatClient(upstream);
        var weather = AIFunctionFactory.Create((string city) => $"12 °C and clear in {city}", "get_weather", "The weather in a city.");
        var options = new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireAny };
        List<ChatMessage> conversation = [new ChatMessage(ChatRole.User, "Weather in Oslo?")];

        var first = await chat.GetResponseAsync(conversation, options).WaitAsync(Phase);
        var call = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
        var sentTool = upstream.LastBody!["tools"]!.AsArray().Single()!["function"]!;
        var result = await weather.InvokeAsync(new AIFunctionArguments(call.Arguments)).AsTask().WaitAsync(Phase);
        conversation.AddMessages(first);
        conversation.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, result)]));
        var final = await chat.GetResponseAsync(conversation, new ChatOptions { Tools = [weather] }).WaitAsync(Phase);

        first.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        first.Usage!.TotalTokenCount.ShouldBe(14);
        call.CallId.ShouldBe("call_1");
        call.Name.ShouldBe("get_weather");
        call.Arguments!["city"]!.ToString().ShouldBe("Oslo");
        sentTool["name"]!.GetValue<string>().ShouldBe("get_weather");
        sentTool["parameters"]!["properties"]!["city"]!["type"]!.GetValue<string>().ShouldBe("string");
        var sent = upstream.LastBody!["messages"]!.AsArray();
        sent[1]!["role"]!.GetValue<string>().ShouldBe("assistant");
        sent[1]!["tool_calls"]![0]!["id"]!.GetValue<string>().ShouldBe("call_1");
        sent[1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>().ShouldContain("Oslo");
        sent[2]!["role"]!.GetValue<string>().ShouldBe("tool");
        sent[2]!["tool_call_id"]!.GetValue<string>().ShouldBe("call_1");
        final.Text.ShouldBe("In Oslo it is 12 °C and clear in Oslo.");
        final.FinishReason.ShouldBe(ChatFinishReason.Stop);
    }

    [Fact]
    public async Task GetResponseAsync_RequiredTool_IsSentAsToolChoice()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var chat = ChatClient(upstream);
        var weather = AIFunctionFactory.Create((string city) => city, "get_weather");

        await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather?")], new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireSpecific("get_weather") }).WaitAsync(Phase);

        upstream.LastBody!["tool_choice"]!["function"]!["name"]!.GetValue<string>().ShouldBe("get_weather");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCall_FragmentsAssembledIntoOneFunctionCall()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        using var chat = ChatClient(upstream);
        var weather = AIFunctionFactory.Create((string city) => city, "get_weather");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Weather in Oslo?")], new ChatOptions { Tools = [weather] }).WithCancellation(new CancellationTokenSource(Phase).Token))
        {
            updates.Add(update);
        }

        var call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ShouldHaveSingleItem();
        call.CallId.ShouldBe("call_1");
        call.Name.ShouldBe("get_weather");
        call.Arguments!["city"]!.ToString().ShouldBe("Oslo");
        updates.ToChatResponse().FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
    }

    private static IChatClient ChatClient(FakeUpstream upstream) =>
        new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = new Uri(upstream.Url + "/v1"), NetworkTimeout = Phase })
            .AsNexusChatClient("llama3.2");
}
