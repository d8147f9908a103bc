using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// One project's objects: a Deployment that rolls out without losing a ready pod and gives up on a version that never
/// becomes ready, its Service, its NetworkPolicy, its data's PersistentVolumeClaim when it keeps data, and for the gateway
/// a PodDisruptionBudget.
/// </summary>
internal static class KubernetesWorkload
{
    public const string PartOf = "nexus";
    public const string RoleLabel = "nexus.io/role";

    public static async Task<List<object>> ObjectsAsync(ProjectResource project, IReadOnlyList<string> callers, KubernetesValues values,
        DistributedApplicationExecutionContext execution, CancellationToken ct)
    {
        var name = project.Name;
        var role = project.HasAnnotationOfType<NexusServiceAnnotation>() ? "service" : "gateway";
        var endpoint = project.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.UriScheme is "http" or "https")
            ?? throw new DistributedApplicationException($"The Kubernetes publisher needs an HTTP endpoint on {name}.");
        var labels = Map(("app.kubernetes.io/name", name), ("app.kubernetes.io/part-of", PartOf), (RoleLabel, role));
        var selector = Map(("app.kubernetes.io/name", name));
        var metadata = Map(("name", name), ("labels", labels));
        var http = Map(("port", "http"), ("protocol", "TCP"));

        List<object> objects =
        [
            Map(("apiVersion", "apps/v1"), ("kind", "Deployment"), ("metadata", metadata), ("spec", Map(
                ("replicas", 1),
                ("revisionHistoryLimit", 5),
                // A version that is not ready within this time is marked failed (kubectl rollout status exits non-zero):
                // roll it back with kubectl rollout undo, or let the GitOps controller sync the previous commit.
                ("progressDeadlineSeconds", 300),
                // maxUnavailable 0: an old pod goes only once a new one is ready, so a bad version never takes traffic.
                ("strategy", Map(("type", "RollingUpdate"), ("rollingUpdate", Map(("maxUnavailable", 0), ("maxSurge", 1))))),
                ("selector", Map(("matchLabels", selector))),
                ("template", Map(("metadata", Map(("labels", labels))), ("spec", await PodAsync(project, values, execution, ct).ConfigureAwait(false))))))),
            Map(("apiVersion", "v1"), ("kind", "Service"), ("metadata", metadata), ("spec", Map(
                ("selector", selector),
                ("ports", new[] { Map(("name", "http"), ("port", KubernetesValues.ServicePort(endpoint)), ("targetPort", "http"), ("protocol", "TCP")) })))),
            // An external endpoint (the gateway, a UI) is reached from anywhere; every other service only from the gateway
            // and from the services that reference it.
            Map(("apiVersion", "networking.k8s.io/v1"), ("kind", "NetworkPolicy"), ("metadata", metadata), ("spec", Map(
                ("podSelector", Map(("matchLabels", selector))),
                ("policyTypes", new[] { "Ingress" }),
                ("ingress", new[]
                {
                    endpoint.IsExternal
                        ? Map(("ports", new[] { http }))
                        : Map(("from", callers.Select(caller => Map(("podSelector", Map(("matchLabels", Map(("app.kubernetes.io/name", caller)))))))
                            .Prepend(Map(("podSelector", Map(("matchLabels", Map((RoleLabel, "gateway")))))))
                            .ToArray()), ("ports", new[] { http })),
                })))),
        ];

        if (KubernetesVolumes.Claim(project, labels) is { } claim) objects.Add(claim);

        // One gateway pod may be evicted at a time (a node drain): with two replicas one always serves.
        if (role == "gateway")
        {
            objects.Add(Map(("apiVersion", "policy/v1"), ("kind", "PodDisruptionBudget"), ("metadata", metadata), ("spec", Map(
                ("maxUnavailable", 1),
                ("selector", Map(("matchLabels", selector)))))));
        }

        return objects;
    }

    private static async Task<OrderedDictionary<string, object>> PodAsync(ProjectResource project, KubernetesValues values,
        DistributedApplicationExecutionContext execution, CancellationToken ct)
    {
        var resources = project.Annotations.OfType<KubernetesResourcesAnnotation>().LastOrDefault() ?? KubernetesResourcesAnnotation.Default;
        var probe = (string path, int period) => Map(
            ("httpGet", Map(("path", path), ("port", "http"))), ("periodSeconds", period), ("timeoutSeconds", 3), ("failureThreshold", 3));
        var container = Map(
            ("name", project.Name),
            ("image", $"nexus-{project.Name}"),
            ("imagePullPolicy", "IfNotPresent"),
            ("ports", new[] { Map(("name", "http"), ("containerPort", KubernetesValues.ContainerPort), ("protocol", "TCP")) }),
            ("env", await EnvironmentAsync(project, values, execution, ct).ConfigureAwait(false)),
            // Up to a minute to start (the inference service loads its model) before liveness may restart it.
            ("startupProbe", Map(("httpGet", Map(("path", "/alive"), ("port", "http"))), ("periodSeconds", 2), ("failureThreshold", 30))),
            // Ready (all checks) takes traffic; alive (the process answers) is restarted only when it stops answering.
            ("readinessProbe", probe("/health", 5)),
            ("livenessProbe", probe("/alive", 10)),
            ("resources", Map(
                ("requests", Map(("cpu", resources.CpuRequest), ("memory", resources.MemoryRequest))),
                ("limits", Map(("cpu", resources.CpuLimit), ("memory", resources.MemoryLimit))))),
            ("securityContext", KubernetesPodSecurity.Container()),
            ("volumeMounts", KubernetesVolumes.Mounts()));
        return Map(
            ("automountServiceAccountToken", false),
            // No *_SERVICE_HOST variables for every Service in the namespace: addresses come from the environment above.
            ("enableServiceLinks", false),
            ("securityContext", KubernetesPodSecurity.Pod()),
            ("containers", new[] { container }),
            ("volumes", KubernetesVolumes.Volumes(project)));
    }

    /// <summary>The project's environment in publish mode, as the manifest has it (<c>HTTP_PORTS</c>, references,
    /// parameters), each variable as a Kubernetes env entry.</summary>
    private static async Task<List<object>> EnvironmentAsync(ProjectResource project, KubernetesValues values, DistributedApplicationExecutionContext execution,
        CancellationToken ct)
    {
        var configuration = await ExecutionConfigurationBuilder.Create(project).WithEnvironmentVariablesConfig()
            .BuildAsync(execution, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, ct).ConfigureAwait(false);
        if (configuration.Exception is { } exception) throw new DistributedApplicationException($"The environment of {project.Name}: {exception.Message}", exception);
        var env = configuration.EnvironmentVariablesWithUnprocessed
            .Select(variable => (object)values.Env(variable.Key,
                variable.Value.Unprocessed is IManifestExpressionProvider expression ? expression.ValueExpression : variable.Value.Processed))
            .ToList();
        // A service registers each pod by the pod's own address, so the registry probes and balances every replica (the
        // pod's host name, which it would advertise otherwise, resolves nowhere else in a cluster).
        if (project.HasAnnotationOfType<NexusServiceAnnotation>())
        {
            env.Add(Map(("name", "POD_IP"), ("valueFrom", Map(("fieldRef", Map(("fieldPath", "status.podIP")))))));
            env.Add(Map(("name", "Nexus__AdvertisedUrl"), ("value", $"http://$(POD_IP):{KubernetesValues.ContainerPort}")));
        }

        return env;
    }
}
