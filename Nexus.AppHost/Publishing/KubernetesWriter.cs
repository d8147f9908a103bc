using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// The files of the Kubernetes output, by path relative to the output directory: <c>base/</c> (one file per project,
/// the default-deny policy, the backup CronJob, the kustomization) and <c>overlays/{dev,main}/</c> (namespace, image tags,
/// replicas, the backup schedule and the number kept).
/// </summary>
internal static class KubernetesWriter
{
    private const string KustomizeApi = "kustomize.config.k8s.io/v1beta1";

    public static async Task<SortedDictionary<string, string>> WriteAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext execution,
        CancellationToken ct)
    {
        var values = new KubernetesValues(model);
        var projects = model.Resources.OfType<ProjectResource>().ToList();
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            // Services that reference this project call it directly (as knowledge calls inference), not through the gateway.
            var callers = projects.Where(p => p != project && p.Annotations.OfType<ResourceRelationshipAnnotation>().Any(r => r.Type == "Reference" && r.Resource == project))
                .Select(p => p.Name).ToList();
            var objects = await KubernetesWorkload.ObjectsAsync(project, callers, values, execution, ct).ConfigureAwait(false);
            KubernetesMtls.Apply(project, objects);
            files[$"base/{project.Name}.yaml"] = Documents(objects);
        }

        var certificates = KubernetesMtls.Certificates(projects);
        if (certificates is not null) files[$"base/{KubernetesMtls.CertificatesFile}"] = Documents(certificates);

        files["base/network-policies.yaml"] = Documents(
        [
            // Nothing reaches a Nexus pod unless a project's own policy lets it.
            Map(("apiVersion", "networking.k8s.io/v1"), ("kind", "NetworkPolicy"), ("metadata", Map(("name", "nexus-default-deny-ingress"))), ("spec", Map(
                ("podSelector", Map(("matchLabels", Map(("app.kubernetes.io/part-of", KubernetesWorkload.PartOf))))),
                ("policyTypes", new[] { "Ingress" })))),
        ]);
        var backup = KubernetesBackupJob.Objects(model, values);
        if (backup.Count > 0) files["base/backup.yaml"] = Documents(backup);
        files["base/kustomization.yaml"] = Documents(
        [
            Map(("apiVersion", KustomizeApi), ("kind", "Kustomization"),
                ("resources", projects.Select(p => $"{p.Name}.yaml").Append("network-policies.yaml")
                    .Concat(backup.Count > 0 ? ["backup.yaml"] : [])
                    .Concat(certificates is null ? [] : [KubernetesMtls.CertificatesFile]).ToArray())),
        ]);
        var images = projects.Select(p => $"nexus-{p.Name}").Concat(backup.Count > 0 ? [KubernetesBackupJob.Image] : []).ToList();

        var gateways = projects.Where(p => !p.HasAnnotationOfType<NexusServiceAnnotation>()).Select(p => p.Name).ToList();
        foreach (var environment in KubernetesEnvironment.All)
        {
            files[$"overlays/{environment.Name}/namespace.yaml"] = Documents(
            [
                // Kubernetes' restricted Pod Security Standard: every Nexus pod meets it, and the namespace enforces it.
                Map(("apiVersion", "v1"), ("kind", "Namespace"), ("metadata", Map(("name", environment.Namespace), ("labels", Map(
                    ("pod-security.kubernetes.io/enforce", "restricted"),
                    ("pod-security.kubernetes.io/enforce-version", "latest")))))),
            ]);
            if (backup.Count > 0) files[$"overlays/{environment.Name}/backup-settings.yaml"] = Documents([KubernetesBackupJob.EnvironmentPatch(model, environment)]);
            files[$"overlays/{environment.Name}/kustomization.yaml"] = Documents(
            [
                Map(("apiVersion", KustomizeApi), ("kind", "Kustomization"),
                    ("namespace", environment.Namespace),
                    ("resources", new[] { "namespace.yaml", "../../base" }),
                    ("labels", new[] { Map(("pairs", Map(("nexus.io/environment", environment.Name)))) }),
                    ("images", images.Select(image => Map(("name", image), ("newTag", environment.ImageTag))).ToArray()),
                    ("replicas", gateways.Select(g => Map(("name", g), ("count", environment.GatewayReplicas))).ToArray()),
                    ("patches", backup.Count > 0 ? new[] { Map(("path", "backup-settings.yaml")) } : null)),
            ]);
        }

        return files;
    }
}
