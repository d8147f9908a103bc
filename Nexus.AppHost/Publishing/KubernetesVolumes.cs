using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>A project whose <c>/data</c> must survive a restart: a PersistentVolumeClaim of this size instead of an
/// <c>emptyDir</c>.</summary>
internal sealed record KubernetesPersistentDataAnnotation(string Size) : IResourceAnnotation;

internal static class KubernetesVolumesExtensions
{
    /// <summary>Keeps this project's <c>/data</c> (its files, SQLite file when embedded, keys) on a claim of its own,
    /// <c>&lt;project&gt;-data</c>, across restarts and new versions.</summary>
    public static IResourceBuilder<ProjectResource> WithKubernetesPersistentData(this IResourceBuilder<ProjectResource> project, string size) =>
        project.WithAnnotation(new KubernetesPersistentDataAnnotation(size), ResourceAnnotationMutationBehavior.Replace);
}

/// <summary>
/// The two writable paths of every Nexus pod, the images' volumes (deploy/images/Containerfile): <c>/tmp</c>, scratch that
/// goes with the pod, and <c>/data</c>, the working directory and HOME, where each deployable's settings put its files.
/// </summary>
internal static class KubernetesVolumes
{
    public const string DataPath = "/data";

    public static OrderedDictionary<string, object>[] Mounts() =>
        [KubernetesPodSecurity.TmpMount(), Map(("name", "data"), ("mountPath", DataPath))];

    public static OrderedDictionary<string, object>[] Volumes(ProjectResource project) =>
    [
        KubernetesPodSecurity.TmpVolume(),
        Persistent(project) is null
            ? Map(("name", "data"), ("emptyDir", Map(("sizeLimit", "1Gi"))))
            : Map(("name", "data"), ("persistentVolumeClaim", Map(("claimName", ClaimName(project))))),
    ];

    /// <summary>The project's claim, or null when its data is scratch. ReadWriteOnce: one node mounts it at a time.</summary>
    public static OrderedDictionary<string, object>? Claim(ProjectResource project, OrderedDictionary<string, object> labels) =>
        Persistent(project) is { } data
            ? Map(("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"), ("metadata", Map(("name", ClaimName(project)), ("labels", labels))), ("spec", Map(
                ("accessModes", new[] { "ReadWriteOnce" }),
                ("resources", Map(("requests", Map(("storage", data.Size))))))))
            : null;

    private static KubernetesPersistentDataAnnotation? Persistent(ProjectResource project) =>
        project.Annotations.OfType<KubernetesPersistentDataAnnotation>().LastOrDefault();

    private static string ClaimName(ProjectResource project) => $"{project.Name}-data";
}
