using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace Nexus.Services.Inference.Tests.Forwarding;

/// <summary><c>Inference:UpstreamTimeout</c> bounds the wait for an upstream's headers, never a stream that has begun.</summary>
public sealed class UpstreamTimeoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Chat_UpstreamSendsNoHeadersInTime_Answers504InTheOpenAIEnvelope()
    {
        await using var upstream = await FakeUpstream.StartAsync([FakeUpstream.SilentModel]);
        await using var service = await InferenceHost.StartAsync(upstream.Url, upstreamTimeout: Timeout);

        using var response = await service.PostJsonAsync("v1/chat/completions", $$"""{"model":"{{FakeUpstream.SilentModel}}","messages":[{"role":"user","content":"Hi"}]}""");

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["code"]!.GetValue<string>().ShouldBe("upstream_timeout");
    }

    [Fact]
    public async Task Chat_StreamOutlastsTheTimeout_IsRelayedWhole()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var service = await InferenceHost.StartAsync(upstream.Url, upstreamTimeout: Timeout);
        var chat = service.OpenAI().GetChatClient("llama3.2");

        var text = new StringBuilder();
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hi")]))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            if (text.ToString() == "Hel")
            {
                // The upstream holds its second chunk until released: past the timeout, the stream must still be open.
                await Task.Delay(Timeout + TimeSpan.FromSeconds(1));
                upstream.ReleaseSecondChunk.TrySetResult();
            }
        }

        text.ToString().ShouldBe("Hello");
    }
}
