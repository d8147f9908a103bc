using System.Runtime.InteropServices;

namespace Nexus.ServiceDefaults.Runtime;

/// <summary>
/// glibc's allocator keeps memory that native code freed in its per-thread arenas instead of returning it to the
/// system: after the JIT's first minutes (thousands of compilations, each with scratch memory of its own) a
/// service carries ~10 MB of freed memory in its resident set for the rest of its life. <c>malloc_trim(0)</c> hands
/// the free pages back. Resolved at run time: elsewhere (musl, Windows, macOS) there is nothing to do.
/// </summary>
internal static class NativeHeap
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallocTrim(nuint pad);

    private static readonly MallocTrim? Trim = Resolve();

    /// <summary>Whether this process's C library can return freed memory on request.</summary>
    public static bool CanTrim => Trim is not null;

    /// <summary>Returns the free pages of every arena to the system; false when nothing was returned.</summary>
    public static bool TryTrim() => Trim is not null && Trim(0) != 0;

    private static MallocTrim? Resolve()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc)) return null;
        return NativeLibrary.TryGetExport(libc, "malloc_trim", out var address)
            ? Marshal.GetDelegateForFunctionPointer<MallocTrim>(address)
            : null;
    }
}
