using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nexus.Deploy.Tests.Kube;

/// <summary>One Deployment of the kustomize output as podman should play it: under <paramref name="Name"/> (a second
/// Deployment of the same service for a new version), from the image <paramref name="Image"/>, at the pod address
/// <paramref name="Ip"/>, with <paramref name="Environment"/> added to its container.</summary>
internal sealed record PlayedDeployment(string Name, string Source, string Image, string Ip, IReadOnlyDictionary<string, string> Environment);

/// <summary>
/// Turns <c>kubectl kustomize</c> output into what <c>podman kube play</c> (4.3) runs like a cluster would, changing only
/// what podman lacks; the pod and container security contexts, resources, volumes and secret references stay as
/// generated. Podman plays Deployments (one pod each), ConfigMaps and PersistentVolumeClaims (as named volumes) and
/// skips every other kind (Namespace, Service, NetworkPolicy, PodDisruptionBudget, CronJob); only the
/// Deployments the test names are rendered, so the backups' claim is left out too. What stands in for the rest:
/// <list type="bullet">
/// <item>Services: podman has no Service proxy. A Service's name becomes a <c>hostAliases</c> entry of every pod for
/// the address of the pod behind it, and a URL with the Service's port uses the container's port.</item>
/// <item>Probes: podman turns a liveness probe into a healthcheck that runs <c>curl</c> inside the container (the images
/// have neither curl nor a shell) on a systemd timer, and has no readiness: they are removed. Readiness is what the
/// gateway's registry probes itself (<c>/health</c>), which the tests rely on.</item>
/// <item>Container ports: podman publishes a <c>containerPort</c> on the host's same port; pods are reached at their own
/// address instead, as in a cluster.</item>
/// <item>The downward API: <c>status.podIP</c> and the <c>$(POD_IP)</c> reference are filled in as the kubelet would.</item>
/// <item>External infrastructure (the <c>nexus-infrastructure</c> Secret: PostgreSQL, Redis, etcd): the references are
/// removed, so the gateway runs on its embedded stores, in its <c>/data</c> volume (an <c>emptyDir</c>, as generated).</item>
/// </list>
/// </summary>
internal static class PodmanKubeRendering
{
    public const string InfrastructureSecret = "nexus-infrastructure";

    public static string Render(string kustomized, IReadOnlyList<PlayedDeployment> deployments, IReadOnlyDictionary<string, string> serviceAddresses)
    {
        var output = new YamlStream();
        foreach (var played in deployments)
        {
            // Parsed again for each: a second Deployment of the same source must not share its nodes.
            var documents = Parse(kustomized);
            var urls = ServiceUrls(documents);
            var deployment = documents.Single(d => Kind(d) == "Deployment" && Text(d, "metadata", "name") == played.Source);
            Render(deployment, played, urls, serviceAddresses);
            output.Documents.Add(new YamlDocument(deployment));
        }

        using var writer = new StringWriter();
        output.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The kinds of the kustomize output left out (every kind but Deployment), for the test's log.</summary>
    public static IReadOnlyList<string> SkippedKinds(string kustomized) =>
        Parse(kustomized).Select(Kind).Where(k => k != "Deployment").Distinct().ToList()!;

    private static void Render(YamlMappingNode deployment, PlayedDeployment played, Dictionary<string, string> urls, IReadOnlyDictionary<string, string> serviceAddresses)
    {
        Map(deployment, "metadata").Children[new YamlScalarNode("name")] = Quoted(played.Name);
        var pod = Map(deployment, "spec", "template", "spec");
        var aliases = serviceAddresses.Where(s => s.Value != played.Ip)
            .Select(s => new YamlMappingNode(new YamlScalarNode("ip"), Quoted(s.Value), new YamlScalarNode("hostnames"), new YamlSequenceNode(Quoted(s.Key))));
        pod.Children[new YamlScalarNode("hostAliases")] = new YamlSequenceNode(aliases);

        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.Single();
        container.Children[new YamlScalarNode("image")] = Quoted(played.Image);
        foreach (var key in new[] { "ports", "startupProbe", "readinessProbe", "livenessProbe" }) container.Children.Remove(new YamlScalarNode(key));

        var environment = new YamlSequenceNode();
        foreach (var variable in ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>())
        {
            var name = ((YamlScalarNode)variable["name"]).Value!;
            if (Text(variable, "valueFrom", "secretKeyRef", "name") == InfrastructureSecret) continue;

            if (Text(variable, "valueFrom", "fieldRef", "fieldPath") == "status.podIP")
            {
                environment.Add(Variable(name, played.Ip));
                continue;
            }

            if (variable.Children.TryGetValue(new YamlScalarNode("value"), out var value))
            {
                var text = ((YamlScalarNode)value).Value!.Replace("$(POD_IP)", played.Ip, StringComparison.Ordinal);
                foreach (var (service, local) in urls) text = text.Replace(service, local, StringComparison.Ordinal);
                environment.Add(Variable(name, text));
                continue;
            }

            environment.Add(variable);
        }

        foreach (var (name, value) in played.Environment) environment.Add(Variable(name, value));
        container.Children[new YamlScalarNode("env")] = environment;
    }

    /// <summary>Each Service's in-cluster URL (<c>http://gateway:8480</c>) and the same host at its pods' container port.</summary>
    private static Dictionary<string, string> ServiceUrls(List<YamlMappingNode> documents)
    {
        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in documents.Where(d => Kind(d) == "Service"))
        {
            var name = Text(service, "metadata", "name")!;
            var port = (YamlMappingNode)((YamlSequenceNode)Map(service, "spec")["ports"]).Children[0];
            var target = ((YamlScalarNode)port["targetPort"]).Value!;
            var deployment = documents.Single(d => Kind(d) == "Deployment" && Text(d, "metadata", "name") == name);
            var container = (YamlMappingNode)((YamlSequenceNode)Map(deployment, "spec", "template", "spec")["containers"]).Children[0];
            var containerPort = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>()
                .Single(p => Text(p, "name") == target || Text(p, "containerPort") == target);
            urls[$"http://{name}:{Text(port, "port")}"] = $"http://{name}:{Text(containerPort, "containerPort")}";
        }

        return urls;
    }

    private static List<YamlMappingNode> Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    private static string? Kind(YamlMappingNode document) => Text(document, "kind");

    private static YamlMappingNode Map(YamlMappingNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => (YamlMappingNode)current[key]);

    private static string? Text(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            current = next;
        }

        return (current as YamlScalarNode)?.Value;
    }

    private static YamlMappingNode Variable(string name, string value) =>
        new(new YamlScalarNode("name"), Quoted(name), new YamlScalarNode("value"), Quoted(value));

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}
