using System.Runtime.InteropServices;
using Nexus.ServiceDefaults.Runtime;

namespace Nexus.ServiceDefaults.Tests;

/// <summary>Alone, so no other test's allocations move the resident set between the two readings.</summary>
[CollectionDefinition(nameof(NativeHeapTests), DisableParallelization = true)]
public sealed class NativeHeapCollection;

[Collection(nameof(NativeHeapTests))]
public sealed class NativeHeapTests
{
    private const int BlockSize = 16 * 1024; // below glibc's mmap threshold: served from an arena, as the JIT's scratch is
    private const int Blocks = 4096;          // 64 MB

    [Fact]
    public void TryTrim_AfterNativeMemoryIsFreedBehindALiveBlock_ReturnsItToTheSystem()
    {
        if (!OperatingSystem.IsLinux()) return; // glibc's allocator is the one that keeps freed memory
        NativeHeap.CanTrim.ShouldBeTrue("glibc exports malloc_trim");

        // On a thread of its own, as the JIT's compilations are: allocate, then free everything but the last block,
        // which holds the arena's top so that free() alone cannot shrink it.
        nint last = 0;
        var worker = new Thread(() =>
        {
            var blocks = new nint[Blocks];
            for (var i = 0; i < Blocks; i++)
            {
                blocks[i] = Marshal.AllocHGlobal(BlockSize);
                for (var page = 0; page < BlockSize; page += 4096) Marshal.WriteByte(blocks[i], page, 1); // touched, so resident
            }
            for (var i = 0; i < Blocks - 1; i++) Marshal.FreeHGlobal(blocks[i]);
            last = blocks[^1];
        });
        worker.Start();
        worker.Join();

        var before = ResidentAnonymousBytes();
        NativeHeap.TryTrim().ShouldBeTrue();
        var after = ResidentAnonymousBytes();
        Marshal.FreeHGlobal(last);

        (before - after).ShouldBeGreaterThan(32L * 1024 * 1024, $"resident anonymous memory went from {before} to {after} bytes");
    }

    private static long ResidentAnonymousBytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal));
        return long.Parse(line["RssAnon:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
