namespace Nexus.AppHost.Publishing;

/// <summary>An environment's overlay: its namespace, the image tag it runs, the gateway's replicas, when backups run and
/// how many are kept.</summary>
/// <param name="Name">The overlay's folder under <c>overlays/</c> and the <c>nexus.io/environment</c> label.</param>
/// <param name="Namespace">Where it runs.</param>
/// <param name="ImageTag">The tag of every Nexus image (a CI build pushes images tagged by branch).</param>
/// <param name="GatewayReplicas">Several gateways share limits, keys and the registry through Redis, PostgreSQL and etcd.</param>
/// <param name="BackupSchedule">When the backup CronJob runs (cron syntax, UTC).</param>
/// <param name="BackupsKept">How many complete backups of each database the CronJob keeps on its claim.</param>
internal sealed record KubernetesEnvironment(string Name, string Namespace, string ImageTag, int GatewayReplicas, string BackupSchedule, int BackupsKept)
{
    /// <summary>dev: one of everything, a week of backups; main (production, synced from the main branch): two gateways,
    /// two weeks of backups.</summary>
    public static IReadOnlyList<KubernetesEnvironment> All { get; } =
    [
        new("dev", "nexus-dev", "dev", GatewayReplicas: 1, BackupSchedule: "30 4 * * *", BackupsKept: 7),
        new("main", "nexus", "main", GatewayReplicas: 2, BackupSchedule: KubernetesBackupJob.DefaultSchedule, BackupsKept: KubernetesBackupJob.DefaultKept),
    ];
}
