using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// <c>base/backup.yaml</c>: a CronJob that runs <c>nexus backup</c> (the Nexus.Cli image, with PostgreSQL's client
/// tools) for each database of the model, into a timestamped directory of a PersistentVolumeClaim. Each overlay
/// sets the schedule (<see cref="KubernetesEnvironment.BackupSchedule"/>).
/// </summary>
internal static class KubernetesBackupJob
{
    public const string Name = "nexus-backup";
    public const string Image = "nexus-cli";
    public const string ClaimName = "nexus-backups";

    /// <summary>The schedule in the base, which every overlay replaces: daily at 03:00 UTC.</summary>
    public const string DefaultSchedule = "0 3 * * *";

    /// <summary>The data sets <c>nexus backup --data</c> knows, by the connection string resource each is read from.</summary>
    private static readonly (string Data, string Database)[] DataSets = [("gateway", "nexusdb"), ("agents", "agentsdb")];

    /// <summary>The CronJob and its claim, or nothing when the model has none of the databases (every store embedded).</summary>
    public static List<object> Objects(DistributedApplicationModel model, KubernetesValues values)
    {
        var databases = DataSets.Where(set => model.Resources.Any(r => r is IResourceWithConnectionString && string.Equals(r.Name, set.Database, StringComparison.OrdinalIgnoreCase))).ToList();
        if (databases.Count == 0) return [];

        var labels = Map(("app.kubernetes.io/name", Name), ("app.kubernetes.io/part-of", KubernetesWorkload.PartOf), (KubernetesWorkload.RoleLabel, "backup"));
        var containers = databases.Select(set => Map(
            ("name", set.Data),
            ("image", Image),
            ("imagePullPolicy", "IfNotPresent"),
            // No shell in the image: --timestamped makes the run's own directory, /backups/<data>/<UTC time>.
            ("args", new[] { "backup", $"/backups/{set.Data}", "--data", set.Data, "--timestamped" }),
            ("env", new[] { values.Env($"ConnectionStrings__{set.Database}", $"{{{set.Database}.connectionString}}") }),
            ("resources", Map(
                ("requests", Map(("cpu", "50m"), ("memory", "64Mi"))),
                ("limits", Map(("cpu", "1"), ("memory", "256Mi"))))),
            ("securityContext", KubernetesPodSecurity.Container()),
            ("volumeMounts", new[] { KubernetesPodSecurity.TmpMount(), Map(("name", "backups"), ("mountPath", "/backups")) }))).ToArray();

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
                    ("template", Map(("metadata", Map(("labels", labels))), ("spec", Map(
                        ("restartPolicy", "Never"),
                        ("automountServiceAccountToken", false),
                        ("enableServiceLinks", false),
                        ("securityContext", KubernetesPodSecurity.Pod()),
                        ("containers", containers),
                        ("volumes", new object[]
                        {
                            KubernetesPodSecurity.TmpVolume(),
                            Map(("name", "backups"), ("persistentVolumeClaim", Map(("claimName", ClaimName)))),
                        })))))))))))),
            // Backups outlive the job's pods; keep them off the database's own storage (a snapshot class or a copy
            // to object storage is the cluster's choice).
            Map(("apiVersion", "v1"), ("kind", "PersistentVolumeClaim"), ("metadata", Map(("name", ClaimName), ("labels", labels))), ("spec", Map(
                ("accessModes", new[] { "ReadWriteOnce" }),
                ("resources", Map(("requests", Map(("storage", "10Gi")))))))),
        ];
    }

    /// <summary>An overlay's patch of the schedule (a strategic merge patch, kustomize's <c>patches</c>).</summary>
    public static OrderedDictionary<string, object> SchedulePatch(KubernetesEnvironment environment) =>
        Map(("apiVersion", "batch/v1"), ("kind", "CronJob"), ("metadata", Map(("name", Name))), ("spec", Map(("schedule", environment.BackupSchedule))));
}
