using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nexus.Gateway.Caching;

namespace Nexus.Gateway.Tests.Caching;

/// <summary>The in-process store: bounded in bytes, entries expiring on the injected clock.</summary>
public sealed class MemoryResponseCacheTests
{
    private static CachedResponse Entry(int bytes, DateTimeOffset expires) => new("application/json", new byte[bytes], expires);

    [Fact]
    public async Task Set_BeyondTheCapacity_KeepsNoMoreThanFits()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = new MemoryResponseCache(Options.Create(new CachingOptions { MemoryCapacityBytes = 1024 * 1024 }), time);

        for (var i = 0; i < 10; i++) await cache.SetAsync($"k{i}", Entry(300 * 1024, time.GetUtcNow().AddMinutes(1)), TimeSpan.FromMinutes(1));

        var kept = 0;
        for (var i = 0; i < 10; i++) kept += await cache.GetAsync($"k{i}", CancellationToken.None) is null ? 0 : 1;
        kept.ShouldBeInRange(1, 3);
    }

    [Fact]
    public async Task Get_AfterTheEntrysExpiry_IsAMiss()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var cache = new MemoryResponseCache(Options.Create(new CachingOptions()), time);
        await cache.SetAsync("k", Entry(10, time.GetUtcNow().AddSeconds(10)), TimeSpan.FromSeconds(10));

        var before = await cache.GetAsync("k", CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(10));
        var after = await cache.GetAsync("k", CancellationToken.None);

        before.ShouldNotBeNull();
        after.ShouldBeNull();
    }

    [Fact]
    public void CachedResponse_RoundTripsThroughItsRedisBytes()
    {
        var entry = new CachedResponse("application/json; charset=utf-8", "{\"a\":1}"u8.ToArray(), DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_123));

        var read = CachedResponse.FromBytes(entry.ToBytes());

        read.ShouldNotBeNull();
        read.ContentType.ShouldBe(entry.ContentType);
        read.Body.ToArray().ShouldBe(entry.Body.ToArray());
        read.ExpiresAt.ShouldBe(entry.ExpiresAt);
        CachedResponse.FromBytes(new byte[] { 9, 0, 0 }).ShouldBeNull();
    }
}
