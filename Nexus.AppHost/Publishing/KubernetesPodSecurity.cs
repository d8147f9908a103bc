using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>What every Nexus pod and container runs with, long-running or a job: Kubernetes' restricted Pod Security
/// Standard, which the namespaces enforce.</summary>
internal static class KubernetesPodSecurity
{
    /// <summary>User ai (uid 10001, as in the images), never root, the runtime's default seccomp profile.</summary>
    public static OrderedDictionary<string, object> Pod() => Map(
        ("runAsNonRoot", true),
        ("runAsUser", 10001),
        ("runAsGroup", 10001),
        ("fsGroup", 10001),
        ("seccompProfile", Map(("type", "RuntimeDefault"))));

    /// <summary>A read-only root file system, no capability and no way to gain one.</summary>
    public static OrderedDictionary<string, object> Container() => Map(
        ("allowPrivilegeEscalation", false),
        ("readOnlyRootFilesystem", true),
        ("capabilities", Map(("drop", new[] { "ALL" }))));

    /// <summary>The root file system is read-only: /tmp (ASP.NET Core's and .NET's scratch space) is writable, and goes with the pod.</summary>
    public static OrderedDictionary<string, object> TmpMount() => Map(("name", "tmp"), ("mountPath", "/tmp"));

    public static OrderedDictionary<string, object> TmpVolume() => Map(("name", "tmp"), ("emptyDir", Map(("sizeLimit", "256Mi"))));
}
