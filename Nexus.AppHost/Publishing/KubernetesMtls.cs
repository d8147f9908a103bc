using System.Globalization;
using static Nexus.AppHost.Publishing.Yaml;

namespace Nexus.AppHost.Publishing;

/// <summary>
/// Internal mTLS in the Kubernetes output (when the AppHost publishes with <c>Nexus:Mtls:Enabled=true</c>): each
/// project's pod mounts the Secret <c>nexus-mtls-{name}</c> (<c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>) read-only; a
/// service serves https on its port and its probes on a plain health port; and cert-manager <c>Certificate</c>s, the
/// production way, issue those Secrets from a CA of the cluster's own. No key material is ever written.
/// </summary>
internal static class KubernetesMtls
{
    public const string CertificatesFile = "mtls-certificates.yaml";

    /// <summary>The plain port that carries only <c>/health</c> and <c>/alive</c> (ServiceDefaults refuses anything else there).</summary>
    public const int HealthPort = 8081;

    private const string CertManagerApi = "cert-manager.io/v1";
    private const string CaIssuer = "nexus-mtls-ca";

    public static string SecretName(string project) => $"nexus-mtls-{project}";

    /// <summary>Mounts the project's Secret; for a service, also moves its probes to the health port and advertises its
    /// Service's https address, the name its certificate is issued for.</summary>
    public static void Apply(ProjectResource project, List<object> objects)
    {
        if (!project.HasAnnotationOfType<NexusMtlsAnnotation>()) return;
        var deployment = (OrderedDictionary<string, object>)objects[0];
        var pod = Child(Child(Child(deployment, "spec"), "template"), "spec");
        var container = ((OrderedDictionary<string, object>[])pod["containers"])[0];

        // 288 is 0440: the key readable by the pod's user through its fsGroup, by nobody else.
        pod["volumes"] = ((OrderedDictionary<string, object>[])pod["volumes"])
            .Append(Map(("name", "mtls"), ("secret", Map(("secretName", SecretName(project.Name)), ("defaultMode", 288))))).ToArray();
        container["volumeMounts"] = ((OrderedDictionary<string, object>[])container["volumeMounts"])
            .Append(Map(("name", "mtls"), ("mountPath", NexusMtls.MountPath), ("readOnly", true))).ToArray();

        if (!project.Annotations.OfType<EndpointAnnotation>().Any(e => e.Name == NexusMtls.HealthEndpoint)) return;
        container["ports"] = ((OrderedDictionary<string, object>[])container["ports"])
            .Append(Map(("name", NexusMtls.HealthEndpoint), ("containerPort", HealthPort), ("protocol", "TCP"))).ToArray();
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" }) Child(Child(container, probe), "httpGet")["port"] = NexusMtls.HealthEndpoint;

        var env = (List<object>)container["env"];
        env.RemoveAll(entry => ((OrderedDictionary<string, object>)entry)["name"] is "HTTP_PORTS" or "HTTPS_PORTS" or "Nexus__AdvertisedUrl");
        env.Add(Map(("name", "HTTPS_PORTS"), ("value", KubernetesValues.ContainerPort.ToString(CultureInfo.InvariantCulture))));
        env.Add(Map(("name", "HTTP_PORTS"), ("value", HealthPort.ToString(CultureInfo.InvariantCulture))));
        env.Add(Map(("name", "Nexus__AdvertisedUrl"), ("value", $"https://{project.Name}:{KubernetesValues.ContainerPort}")));
    }

    /// <summary>cert-manager's CA chain (a self-signed root, kept in the cluster) and one Certificate per mTLS project.</summary>
    public static List<object>? Certificates(IEnumerable<ProjectResource> projects)
    {
        var names = projects.Where(p => p.HasAnnotationOfType<NexusMtlsAnnotation>()).Select(p => p.Name).ToList();
        if (names.Count == 0) return null;
        List<object> objects =
        [
            Map(("apiVersion", CertManagerApi), ("kind", "Issuer"), ("metadata", Map(("name", "nexus-mtls-bootstrap"))), ("spec", Map(("selfSigned", Map())))),
            Map(("apiVersion", CertManagerApi), ("kind", "Certificate"), ("metadata", Map(("name", CaIssuer))), ("spec", Map(
                ("isCA", true),
                ("commonName", "Nexus internal CA"),
                ("secretName", CaIssuer),
                ("privateKey", Map(("algorithm", "ECDSA"), ("size", 256))),
                ("issuerRef", Map(("name", "nexus-mtls-bootstrap"), ("kind", "Issuer")))))),
            Map(("apiVersion", CertManagerApi), ("kind", "Issuer"), ("metadata", Map(("name", CaIssuer))), ("spec", Map(("ca", Map(("secretName", CaIssuer)))))),
        ];
        objects.AddRange(names.Select(name => Map(("apiVersion", CertManagerApi), ("kind", "Certificate"), ("metadata", Map(("name", SecretName(name)))), ("spec", Map(
            ("secretName", SecretName(name)),
            ("commonName", name),
            ("dnsNames", new[] { name }),
            ("duration", "2160h"),
            ("renewBefore", "360h"),
            ("privateKey", Map(("algorithm", "ECDSA"), ("size", 256), ("rotationPolicy", "Always"))),
            ("usages", new[] { "digital signature", "server auth", "client auth" }),
            ("issuerRef", Map(("name", CaIssuer), ("kind", "Issuer"))))))));
        return objects;
    }

    private static OrderedDictionary<string, object> Child(OrderedDictionary<string, object> map, string key) => (OrderedDictionary<string, object>)map[key];
}
