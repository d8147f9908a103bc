using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// <c>base/backup.yaml</c>: a CronJob that runs <c>nexus backup</c> (the Nexus.Cli image, with PostgreSQL's client
/// tools) for each database of the model, into a timestamped directory of a PersistentVolumeClaim, removing the oldest
/// beyond a number kept; the restore templates (<see cref="KubernetesRestoreJob"/>); the claim. Each overlay sets the
/// schedule and the number kept (<see cref="KubernetesEnvironment"/>).
/// </summary>
internal static class KubernetesBackupJob
{
    public const string Name = "nexus-backup";
    public const string Image = "nexus-cli";
    public const string ClaimName = "nexus-backups";

    /// <summary>The schedule in the base, which every overlay replaces: daily at 03:00 UTC.</summary>
    public const string DefaultSchedule = "0 3 * * *";

    /// <summary>The backups of each database kept in the base, which every overlay replaces: two weeks of daily runs.</summary>
    public const int DefaultKept = 14;

    /// <summary>The data sets <c>nexus backup --data</c> knows, by the connection string resource each is read from.</summary>
    private static readonly (string Data, string Database)[] DataSets = [("gateway", "nexusdb"), ("agents", "agentsdb")];

    /// <summary>The CronJob, the restore templates and the claim, or nothing when the model has none of the databases
    /// (every store embedded).</summary>
    public static List<object> Objects(DistributedApplicationModel model, KubernetesValues values)
    {
        var databases = Databases(model);
        if (databases.Count == 0) return [];

        var labels = Labels(Name, "backup");
        var containers = databases.Select(set => Container(set, BackupArgs(set.Data, DefaultKept), values, readOnlyBackups: false)).ToArray();

        return
        [
            Map(("apiVersion", "batch/v1"), ("kind", "CronJob"), ("metadata", Map(("name", Name), ("labels", labels))), ("spec", Map(
                ("schedule", DefaultSchedule),
                ("timeZone", "Etc/UTC"),
                // One backup at a time; a run missed by more than an hour (the cluster was down) is skipped, not piled up.
                ("concurrencyPolicy", "Forbid"),
                ("startingDeadlineSeconds", 3600),
                ("successfulJobsHistoryLimit", 3),
                ("failedJobsHistoryLimit", 3),
                ("jobTemplate", Map(("spec", Map(
                    ("backoffLimit", 2),
                    ("activeDeadlineSeconds", 3600),
                    ("template", Map(("metadata", Map(("labels", labels))), ("spec", PodSpec(containers))))))))))),
            .. KubernetesRestoreJob.Objects(databases, values),
            // Backups outlive the job's pods; keep them off the database's own storage (a snapshot class or a copy
            // to object storage is the cluster's choice).
            Map(("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"), ("metadata", Map(("name", ClaimName), ("labels", labels))), ("spec", Map(
                ("accessModes", new[] { "ReadWriteOnce" }),
                ("resources", Map(("requests", Map(("storage", "10Gi")))))))),
        ];
    }

    /// <summary>An overlay's patch of the schedule and of each container's number of backups kept (a strategic merge
    /// patch, kustomize's <c>patches</c>: containers merge by name, their args are replaced).</summary>
    public static OrderedDictionary<string, object> EnvironmentPatch(DistributedApplicationModel model, KubernetesEnvironment environment) =>
        Map(("apiVersion", "batch/v1"), ("kind", "CronJob"), ("metadata", Map(("name", Name))), ("spec", Map(
            ("schedule", environment.BackupSchedule),
            ("jobTemplate", Map(("spec", Map(("template", Map(("spec", Map(("containers",
                Databases(model).Select(set => Map(("name", set.Data), ("args", BackupArgs(set.Data, environment.BackupsKept)))).ToArray()))))))))))));

    /// <summary>No shell in the image: --timestamped makes the run's own directory, /backups/&lt;data&gt;/&lt;UTC time&gt;,
    /// and --keep removes the oldest complete backups beyond the number kept.</summary>
    public static string[] BackupArgs(string data, int kept) =>
        ["backup", $"/backups/{data}", "--data", data, "--timestamped", "--keep", kept.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>The databases of the model that <c>nexus</c> backs up: (its <c>--data</c> name, the connection string's name).</summary>
    public static List<(string Data, string Database)> Databases(DistributedApplicationModel model) =>
        [.. DataSets.Where(set => model.Resources.Any(r => r is IResourceWithConnectionString && string.Equals(r.Name, set.Database, StringComparison.OrdinalIgnoreCase)))];

    public static OrderedDictionary<string, object> Labels(string name, string role) =>
        Map(("app.kubernetes.io/name", name), ("app.kubernetes.io/part-of", KubernetesWorkload.PartOf), (KubernetesWorkload.RoleLabel, role));

    /// <summary>A <c>nexus</c> container for one database: the connection string from the infrastructure Secret, the
    /// backups claim at /backups (read-only for a restore), hardened like every Nexus container.</summary>
    public static OrderedDictionary<string, object> Container((string Data, string Database) set, string[] args, KubernetesValues values, bool readOnlyBackups) => Map(
        ("name", set.Data),
        ("image", Image),
        ("imagePullPolicy", "IfNotPresent"),
        ("args", args),
        ("env", new[] { values.Env($"ConnectionStrings__{set.Database}", $"{{{set.Database}.connectionString}}") }),
        ("resources", Map(
            ("requests", Map(("cpu", "50m"), ("memory", "64Mi"))),
            ("limits", Map(("cpu", "1"), ("memory", "256Mi"))))),
        ("securityContext", KubernetesPodSecurity.Container()),
        ("volumeMounts", new[]
        {
            KubernetesPodSecurity.TmpMount(),
            readOnlyBackups ? Map(("name", "backups"), ("mountPath", "/backups"), ("readOnly", true)) : Map(("name", "backups"), ("mountPath", "/backups")),
        }));

    /// <summary>A job's pod: runs once, no service account token, the restricted security context, /tmp and the claim.</summary>
    public static OrderedDictionary<string, object> PodSpec(OrderedDictionary<string, object>[] containers) => Map(
        ("restartPolicy", "Never"),
        ("automountServiceAccountToken", false),
        ("enableServiceLinks", false),
        ("securityContext", KubernetesPodSecurity.Pod()),
        ("containers", containers),
        ("volumes", new object[]
        {
            KubernetesPodSecurity.TmpVolume(),
            Map(("name", "backups"), ("persistentVolumeClaim", Map(("claimName", ClaimName)))),
        }));
}
