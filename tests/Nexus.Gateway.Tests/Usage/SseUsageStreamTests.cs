using System.Text;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Tests.Usage;

public sealed class SseUsageStreamTests
{
    private const string First = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n";
    private const string Rest =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\r\n\r\n"
        + "data: {\"choices\":[],\n"
        + "data: \"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}\n\n"
        + "data: [DONE]\n\n";

    [Fact]
    public async Task ReadAsync_OneUpstreamReadHoldingSeveralEvents_TheFirstEventComesOutAlone()
    {
        var meter = new UsageMeter();
        await using var stream = new SseUsageStream(new MemoryStream(Encoding.UTF8.GetBytes(First + Rest)), meter, stripUsage: false, endsWithDone: true);
        var buffer = new byte[64 * 1024];

        var read = await stream.ReadAsync(buffer);

        Encoding.UTF8.GetString(buffer, 0, read).ShouldBe(First);
    }

    [Fact]
    public async Task ReadAsync_UsageSplitOverDataLines_CountedAndStrippedForAClientThatDidNotAskForIt()
    {
        var meter = new UsageMeter();
        await using var stream = new SseUsageStream(new MemoryStream(Encoding.UTF8.GetBytes(First + Rest)), meter, stripUsage: true, endsWithDone: true);
        using var output = new MemoryStream();

        await stream.CopyToAsync(output);

        var passed = Encoding.UTF8.GetString(output.ToArray());
        passed.ShouldNotContain("usage");
        passed.ShouldEndWith("data: [DONE]\n\n");
        (meter.PromptTokens, meter.CompletionTokens, meter.ContentChunks, meter.Done, meter.CutOff).ShouldBe((12L, 2L, 2L, true, false));
    }
}
