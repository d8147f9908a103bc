using System.Text;
using Nexus.Gateway.Usage;

namespace Nexus.Gateway.Tests.Usage;

public sealed class JsonUsageStreamTests
{
    private static readonly byte[] Answer = Encoding.UTF8.GetBytes("""{"id":"c1","choices":[],"usage":{"prompt_tokens":37,"completion_tokens":23,"total_tokens":60}}""");

    [Fact]
    public async Task ReadAsync_ZeroByteReadsBetweenChunks_UsageReadAtTheRealEnd()
    {
        var meter = new UsageMeter();
        await using var stream = new JsonUsageStream(new MemoryStream(Answer), meter, "");

        await ReadAllWithZeroByteReadsAsync(stream);

        meter.HasUsage.ShouldBeTrue();
        (meter.PromptTokens, meter.CompletionTokens).ShouldBe((37, 23));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    public async Task ReadAsync_CodedAnswer_PassesTheCodedBytesAndReadsTheDecodedUsage(string coding)
    {
        using var coded = new MemoryStream();
        await using (var encoder = ContentCodings.Encoder(coded, coding)) await encoder.WriteAsync(Answer);
        var meter = new UsageMeter();
        await using var stream = new JsonUsageStream(new MemoryStream(coded.ToArray()), meter, coding);

        var passed = await ReadAllWithZeroByteReadsAsync(stream);

        passed.ShouldBe(coded.ToArray());
        (meter.PromptTokens, meter.CompletionTokens).ShouldBe((37, 23));
    }

    private static async Task<byte[]> ReadAllWithZeroByteReadsAsync(Stream stream)
    {
        using var output = new MemoryStream();
        var buffer = new byte[7];
        while (true)
        {
            (await stream.ReadAsync(Memory<byte>.Empty)).ShouldBe(0);
            var read = await stream.ReadAsync(buffer);
            if (read == 0) return output.ToArray();
            output.Write(buffer, 0, read);
        }
    }
}
