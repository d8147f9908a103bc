using System.Runtime.InteropServices;

namespace Nexus.AppHost.Hosting;

/// <summary>The few POSIX calls .NET does not expose: signals to a process group, the effective user, ownership.</summary>
internal static partial class Posix
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    public static bool IsRoot => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? GetEffectiveUserId() == 0 : false;

    /// <summary>Signals every process in the group led by <paramref name="groupLeader"/>; false when none is left.</summary>
    public static bool SignalGroup(int groupLeader, int signal) => Kill(-groupLeader, signal) == 0;

    public static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Gives a directory tree to a user (PostgreSQL refuses a data directory it does not own).</summary>
    public static void ChownRecursive(string path, uint uid, uint gid)
    {
        if (Chown(path, uid, gid) != 0) throw new IOException($"chown {path} failed (errno {Marshal.GetLastPInvokeError()}).");
        if (!Directory.Exists(path)) return;
        foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
            if (Chown(entry, uid, gid) != 0) throw new IOException($"chown {entry} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    /// <summary>Looks a system user up in the password database file.</summary>
    public static (uint Uid, uint Gid)? FindUser(string name)
    {
        const string passwd = "/etc/passwd";
        if (!File.Exists(passwd)) return null;
        foreach (var line in File.ReadLines(passwd))
        {
            var fields = line.Split(':');
            if (fields.Length > 3 && fields[0] == name && uint.TryParse(fields[2], out var uid) && uint.TryParse(fields[3], out var gid))
                return (uid, gid);
        }

        return null;
    }
}
