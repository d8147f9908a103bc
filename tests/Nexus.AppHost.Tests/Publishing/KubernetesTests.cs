using System.Diagnostics;
using Nexus.Testing;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Nexus.AppHost.Tests.Publishing;

/// <summary>deploy/kubernetes is what the AppHost's Kubernetes publisher writes today, kustomize builds it, and every
/// workload in it is hardened, probed and reaches its secrets by reference only.</summary>
[Collection(AppHostEntryPoint.Name)]
public sealed class KubernetesTests
{
    private static readonly string[] Directories = ["base", "overlays/dev", "overlays/main"];

    [Fact]
    public void CommittedYaml_ComparedWithAFreshlyPublishedOne_IsCurrent()
    {
        var committed = Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "kubernetes");
        var output = Directory.CreateTempSubdirectory("nexus-kubernetes-");
        try
        {
            AppHostEntryPoint.Run("--publisher", "kubernetes", "--output-path", output.FullName);

            var fresh = YamlFiles(output.FullName);
            fresh.Keys.ShouldBe(YamlFiles(committed).Keys, ignoreOrder: false, Stale);
            foreach (var (path, text) in fresh) text.ShouldBe(File.ReadAllText(Path.Combine(committed, path)), $"{path}: {Stale}");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task Kustomize_BaseAndEachOverlay_BuildsWithTheOverlaysNamespaceTagsReplicasAndBackupSchedule()
    {
        var kubectl = TestPrograms.Require("kubectl");
        var root = Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "kubernetes");

        foreach (var directory in Directories)
        {
            var objects = Parse(await KustomizeAsync(kubectl, Path.Combine(root, directory)));
            objects.ShouldContain(o => Kind(o) == "Deployment", directory);
            if (directory == "base") continue;

            var environment = Path.GetFileName(directory);
            var ns = environment == "main" ? "nexus" : "nexus-dev";
            foreach (var namespaced in objects.Where(o => Kind(o) != "Namespace")) Get(namespaced, "metadata", "namespace").ShouldBe(ns, directory);
            foreach (var deployment in objects.Where(o => Kind(o) == "Deployment"))
                Containers(deployment).ShouldAllBe(c => ((string)c["image"]).EndsWith(":" + environment, StringComparison.Ordinal));
            var gateway = objects.Single(o => Kind(o) == "Deployment" && (string)Get(o, "metadata", "name")! == "gateway");
            Get(gateway, "spec", "replicas").ShouldBe(environment == "main" ? "2" : "1");
            var backup = objects.Single(o => Kind(o) == "CronJob" && (string)Get(o, "metadata", "name")! == "nexus-backup");
            Get(backup, "spec", "schedule").ShouldBe(environment == "main" ? "0 3 * * *" : "30 4 * * *", directory);
            var backupContainers = ((List<object>)Get(backup, "spec", "jobTemplate", "spec", "template", "spec", "containers")!).Cast<Dictionary<object, object>>().ToList();
            backupContainers.ShouldAllBe(c => (string)c["image"] == "nexus-cli:" + environment);
            // The overlay's patch replaces the args (the number kept) and keeps the rest of each container.
            backupContainers.ShouldAllBe(c => ((List<object>)c["args"]).Cast<string>().SkipWhile(a => a != "--keep").Skip(1).First() == (environment == "main" ? "14" : "7"));
            backupContainers.ShouldAllBe(c => c.ContainsKey("env") && c.ContainsKey("securityContext"));
            var restore = objects.Single(o => Kind(o) == "CronJob" && (string)Get(o, "metadata", "name")! == "nexus-restore-gateway");
            Get(restore, "spec", "suspend").ShouldBe("true", directory);
        }
    }

    [Fact]
    public void Base_EveryDeployment_IsHardenedProbedAndRollsOutWithoutLosingAReadyPod()
    {
        var deployments = BaseObjects().Where(o => Kind(o) == "Deployment").ToList();
        deployments.ShouldNotBeEmpty();

        foreach (var deployment in deployments)
        {
            var name = (string)Get(deployment, "metadata", "name")!;
            Get(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable").ShouldBe("0", name);
            Get(deployment, "spec", "progressDeadlineSeconds").ShouldNotBeNull(name);
            Get(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot").ShouldBe("true", name);
            var container = Containers(deployment).ShouldHaveSingleItem(name);
            Get(container, "securityContext", "readOnlyRootFilesystem").ShouldBe("true", name);
            Get(container, "securityContext", "allowPrivilegeEscalation").ShouldBe("false", name);
            ((List<object>)Get(container, "securityContext", "capabilities", "drop")!).Cast<string>().ToArray().ShouldBe(new[] { "ALL" }, name);
            Get(container, "readinessProbe", "httpGet", "path").ShouldBe("/health", name);
            Get(container, "livenessProbe", "httpGet", "path").ShouldBe("/alive", name);
            Get(container, "resources", "limits", "memory").ShouldNotBeNull(name);
            Get(container, "resources", "requests", "cpu").ShouldNotBeNull(name);
            Get(((List<object>)container["volumeMounts"])[0], "mountPath").ShouldBe("/tmp", name);
        }
    }

    [Fact]
    public void Base_SecretsAndInfrastructure_AreReferencedNeverWritten()
    {
        var gateway = Containers(BaseObjects().Single(o => Kind(o) == "Deployment" && (string)Get(o, "metadata", "name")! == "gateway")).Single();
        var env = ((List<object>)gateway["env"]).Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"]);

        foreach (var (variable, secret, key) in new[]
        {
            ("Nexus__Registry__Token", "nexus-parameters", "registry-token"),
            ("Nexus__Gateway__BootstrapAdminKey", "nexus-parameters", "bootstrap-admin-key"),
            ("Nexus__Gateway__BootstrapKeys__agents__Key", "nexus-parameters", "agents-key"),
            ("Nexus__Gateway__BootstrapKeys__knowledge__Key", "nexus-parameters", "knowledge-key"),
            ("ConnectionStrings__nexusdb", "nexus-infrastructure", "nexusdb"),
            ("ConnectionStrings__redis", "nexus-infrastructure", "redis"),
            ("Nexus__Registry__Etcd__Url", "nexus-infrastructure", "etcd-http-url"),
        })
        {
            env[variable].ContainsKey("value").ShouldBeFalse(variable);
            Get(env[variable], "valueFrom", "secretKeyRef", "name").ShouldBe(secret, variable);
            Get(env[variable], "valueFrom", "secretKeyRef", "key").ShouldBe(key, variable);
        }

        var agents = Containers(BaseObjects().Single(o => Kind(o) == "Deployment" && (string)Get(o, "metadata", "name")! == "agents")).Single();
        var agentsEnv = ((List<object>)agents["env"]).Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"]);
        Get(agentsEnv["Agents__ApiKey"], "valueFrom", "secretKeyRef", "key").ShouldBe("agents-key");
        Get(agentsEnv["ConnectionStrings__agentsdb"], "valueFrom", "secretKeyRef", "key").ShouldBe("nexusdb");

        BaseObjects().ShouldNotContain(o => Kind(o) == "Secret");
        var speech = Containers(BaseObjects().Single(o => Kind(o) == "Deployment" && (string)Get(o, "metadata", "name")! == "speech")).Single();
        ((List<object>)speech["env"]).Cast<Dictionary<object, object>>().Single(e => (string)e["name"] == "Nexus__Registry__Url")["value"]
            .ShouldBe("http://gateway:8480");
    }

    [Fact]
    public void Base_NetworkPolicies_LetOnlyTheGatewayAndReferencingServicesReachTheServicesAndGuardTheGatewayWithABudget()
    {
        var objects = BaseObjects();
        var policies = objects.Where(o => Kind(o) == "NetworkPolicy").ToDictionary(o => (string)Get(o, "metadata", "name")!);

        Get(policies["nexus-default-deny-ingress"], "spec", "ingress").ShouldBeNull();
        foreach (var service in new[] { "speech", "ocr", "image", "knowledge", "agents" })
        {
            var from = (List<object>)Get(((List<object>)Get(policies[service], "spec", "ingress")!)[0], "from")!;
            Get(from.ShouldHaveSingleItem(service), "podSelector", "matchLabels", "nexus.io/role").ShouldBe("gateway", service);
        }

        // Knowledge references the inference service (it embeds with it directly): the one service another may call.
        var inference = (List<object>)Get(((List<object>)Get(policies["inference"], "spec", "ingress")!)[0], "from")!;
        inference.Count.ShouldBe(2);
        Get(inference[0], "podSelector", "matchLabels", "nexus.io/role").ShouldBe("gateway");
        Get(inference[1], "podSelector", "matchLabels", "app.kubernetes.io/name").ShouldBe("knowledge");

        Get(((List<object>)Get(policies["gateway"], "spec", "ingress")!)[0], "from").ShouldBeNull();
        objects.ShouldContain(o => Kind(o) == "PodDisruptionBudget" && (string)Get(o, "metadata", "name")! == "gateway");
    }

    [Fact]
    public void Base_BackupCronJob_RunsTheCliHardenedIntoAClaimWithTheDatabaseFromTheSecret()
    {
        var objects = BaseObjects();
        var cronJob = objects.Single(o => Kind(o) == "CronJob" && (string)Get(o, "metadata", "name")! == "nexus-backup");
        Get(cronJob, "spec", "concurrencyPolicy").ShouldBe("Forbid");
        Get(cronJob, "spec", "schedule").ShouldNotBeNull();
        var pod = Get(cronJob, "spec", "jobTemplate", "spec", "template", "spec")!;
        Get(pod, "securityContext", "runAsNonRoot").ShouldBe("true");
        Get(pod, "restartPolicy").ShouldBe("Never");
        var claim = ((List<object>)Get(pod, "volumes")!).Cast<Dictionary<object, object>>().Single(v => v.ContainsKey("persistentVolumeClaim"));
        Get(claim, "persistentVolumeClaim", "claimName").ShouldBe("nexus-backups");
        objects.ShouldContain(o => Kind(o) == "PersistentVolumeClaim" && (string)Get(o, "metadata", "name")! == "nexus-backups");

        var container = ((List<object>)Get(pod, "containers")!).Cast<Dictionary<object, object>>().Single(c => (string)c["name"] == "gateway");
        container["image"].ShouldBe("nexus-cli");
        ((List<object>)container["args"]).Cast<string>().ShouldBe(["backup", "/backups/gateway", "--data", "gateway", "--timestamped", "--keep", "14"]);
        Get(container, "securityContext", "readOnlyRootFilesystem").ShouldBe("true");
        ((List<object>)Get(container, "securityContext", "capabilities", "drop")!).Cast<string>().ShouldBe(["ALL"]);
        var env = ((List<object>)container["env"]).Cast<Dictionary<object, object>>().ShouldHaveSingleItem();
        env["name"].ShouldBe("ConnectionStrings__nexusdb");
        Get(env, "valueFrom", "secretKeyRef", "name").ShouldBe("nexus-infrastructure");
        ((List<object>)container["volumeMounts"]).Cast<Dictionary<object, object>>().Select(m => (string)m["mountPath"]).ShouldBe(["/tmp", "/backups"]);

        // The restore template: never scheduled, hardened the same, the claim read-only, the newest backup, no --force.
        var restore = objects.Single(o => Kind(o) == "CronJob" && (string)Get(o, "metadata", "name")! == "nexus-restore-gateway");
        Get(restore, "spec", "suspend").ShouldBe("true");
        var restorePod = Get(restore, "spec", "jobTemplate", "spec", "template", "spec")!;
        Get(restorePod, "securityContext", "runAsNonRoot").ShouldBe("true");
        Get(restorePod, "automountServiceAccountToken").ShouldBe("false");
        var restorer = ((List<object>)Get(restorePod, "containers")!).Cast<Dictionary<object, object>>().ShouldHaveSingleItem();
        ((List<object>)restorer["args"]).Cast<string>().ShouldBe(["restore", "/backups/gateway", "--data", "gateway", "--latest"]);
        Get(restorer, "securityContext", "readOnlyRootFilesystem").ShouldBe("true");
        ((List<object>)restorer["volumeMounts"]).Cast<Dictionary<object, object>>().Single(m => (string)m["mountPath"] == "/backups")["readOnly"].ShouldBe("true");
    }

    [Fact]
    public void Base_Services_AdvertiseTheirPodAddressSoTheRegistryProbesEveryReplica()
    {
        foreach (var deployment in BaseObjects().Where(o => Kind(o) == "Deployment" && (string)Get(o, "metadata", "labels", "nexus.io/role")! == "service"))
        {
            var name = (string)Get(deployment, "metadata", "name")!;
            var env = ((List<object>)Containers(deployment).Single()["env"]).Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"]);
            Get(env["POD_IP"], "valueFrom", "fieldRef", "fieldPath").ShouldBe("status.podIP", name);
            env["Nexus__AdvertisedUrl"]["value"].ShouldBe("http://$(POD_IP):8080", name);
        }
    }

    private const string Stale = "deploy/kubernetes is stale: run dotnet run --project Nexus.AppHost -- --publisher kubernetes --output-path ../deploy/kubernetes";

    private static SortedDictionary<string, string> YamlFiles(string root) =>
        new(Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText), StringComparer.Ordinal);

    private static List<Dictionary<object, object>> BaseObjects() =>
        YamlFiles(Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "kubernetes", "base"))
            .Where(f => f.Key != "kustomization.yaml")
            .SelectMany(f => Parse(f.Value))
            .ToList();

    internal static List<Dictionary<object, object>> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        using var reader = new StringReader(yaml);
        var parser = new Parser(reader);
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<Dictionary<object, object>?>(parser) is { } document) documents.Add(document);
        }

        return documents;
    }

    internal static string? Kind(Dictionary<object, object> o) => o.TryGetValue("kind", out var kind) ? (string)kind : null;

    internal static List<Dictionary<object, object>> Containers(Dictionary<object, object> deployment) =>
        ((List<object>)Get(deployment, "spec", "template", "spec", "containers")!).Cast<Dictionary<object, object>>().ToList();

    /// <summary>The value at a path of keys (scalars as the text YAML holds), or null when a key is missing.</summary>
    internal static object? Get(object node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(key, out var next)) return null;
            node = next;
        }

        return node;
    }

    internal static async Task<string> KustomizeAsync(string kubectl, string directory)
    {
        var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.ShouldBe(0, $"kubectl kustomize {directory}: {await error}");
        return await output;
    }
}
