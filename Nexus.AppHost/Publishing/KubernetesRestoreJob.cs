using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// In <c>base/backup.yaml</c>, one restore template per database: a suspended CronJob <c>nexus-restore-&lt;data&gt;</c>
/// that never runs on its own, from which an operator makes a Job when it is needed
/// (<c>kubectl create job --from=cronjob/nexus-restore-gateway ...</c>). It restores the newest complete backup of that
/// data from the backups claim, mounted read-only, into the database, and refuses a database that already has tables.
/// </summary>
/// <remarks>
/// A template rather than a suspended Job: a Job runs once and its pod template cannot change, so a second restore, or
/// one of an older backup, would mean deleting and editing what a GitOps controller keeps in sync. A Job made from the
/// CronJob is the operator's own, with the CronJob's hardening, claim and Secret, and can be edited before it is created
/// (the backup's directory, <c>--force</c>; deploy/README.md).
/// </remarks>
internal static class KubernetesRestoreJob
{
    public const string NamePrefix = "nexus-restore-";

    /// <summary>February 31st: with <c>suspend</c>, never, even if someone lifts the suspension.</summary>
    public const string Never = "0 0 31 2 *";

    public static string Name(string data) => NamePrefix + data;

    /// <summary><c>nexus restore</c>'s arguments: the newest complete backup of the data; no <c>--force</c>.</summary>
    public static string[] RestoreArgs(string data) => ["restore", $"/backups/{data}", "--data", data, "--latest"];

    public static IEnumerable<object> Objects(IEnumerable<(string Data, string Database)> databases, KubernetesValues values) =>
        databases.Select(set =>
        {
            var labels = KubernetesBackupJob.Labels(Name(set.Data), "restore");
            return (object)Map(("apiVersion", "batch/v1"), ("kind", "CronJob"), ("metadata", Map(("name", Name(set.Data)), ("labels", labels))), ("spec", Map(
                ("schedule", Never),
                ("timeZone", "Etc/UTC"),
                ("suspend", true),
                ("concurrencyPolicy", "Forbid"),
                ("jobTemplate", Map(("spec", Map(
                    // A failed restore is looked at, not retried: pg_restore runs in one transaction, so nothing changed.
                    ("backoffLimit", 0),
                    ("activeDeadlineSeconds", 3600),
                    ("template", Map(("metadata", Map(("labels", labels))), ("spec",
                        KubernetesBackupJob.PodSpec([KubernetesBackupJob.Container(set, RestoreArgs(set.Data), values, readOnlyBackups: true)])))))))))));
        });
}
