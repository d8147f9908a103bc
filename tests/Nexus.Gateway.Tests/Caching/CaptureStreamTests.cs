using Nexus.Gateway.Caching;

namespace Nexus.Gateway.Tests.Caching;

/// <summary>The copy of an answer kept for the cache: bounded, never in the client's way.</summary>
public sealed class CaptureStreamTests
{
    [Fact]
    public async Task Write_WithinTheLimit_PassesThroughAndKeepsACopy()
    {
        using var client = new MemoryStream();
        using var capture = new CaptureStream(client, 8);

        await capture.WriteAsync("abcd"u8.ToArray());
        capture.Write("efgh"u8);

        client.ToArray().ShouldBe("abcdefgh"u8.ToArray());
        capture.Captured!.Value.ToArray().ShouldBe("abcdefgh"u8.ToArray());
    }

    [Fact]
    public async Task Write_BeyondTheLimit_PassesThroughAndKeepsNothing()
    {
        using var client = new MemoryStream();
        using var capture = new CaptureStream(client, 8);

        await capture.WriteAsync("abcdefgh"u8.ToArray());
        await capture.WriteAsync("i"u8.ToArray());

        client.ToArray().ShouldBe("abcdefghi"u8.ToArray());
        capture.Captured.ShouldBeNull();
    }
}
