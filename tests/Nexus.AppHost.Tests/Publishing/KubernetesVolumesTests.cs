using Nexus.Testing;
using static Nexus.AppHost.Tests.Publishing.KubernetesTests;

namespace Nexus.AppHost.Tests.Publishing;

/// <summary>Every pod writes only to its volumes: scratch at /tmp, and /data, on a claim of its own where the data must
/// survive a restart (the agents' blobs, specs and workspaces; the UI's data protection keys).</summary>
public sealed class KubernetesVolumesTests
{
    private static readonly string[] Persistent = ["agents", "ui"];

    [Fact]
    public void Base_EveryDeployment_MountsTmpAndData_AgentsAndUiKeepDataOnAClaim()
    {
        var folder = Path.Combine(TestEnvironment.RepositoryRoot(), "deploy", "kubernetes", "base");
        var objects = Directory.GetFiles(folder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml")
            .SelectMany(f => Parse(File.ReadAllText(f))).ToList();
        var deployments = objects.Where(o => Kind(o) == "Deployment").ToList();
        deployments.Select(d => (string)Get(d, "metadata", "name")!).ShouldContain("agents");

        foreach (var deployment in deployments)
        {
            var name = (string)Get(deployment, "metadata", "name")!;
            var mounts = ((List<object>)Containers(deployment).Single()["volumeMounts"]).Cast<Dictionary<object, object>>()
                .ToDictionary(m => (string)m["mountPath"], m => (string)m["name"]);
            mounts.Keys.ToArray().ShouldBe(new[] { "/tmp", "/data" }, name);
            var data = ((List<object>)Get(deployment, "spec", "template", "spec", "volumes")!).Cast<Dictionary<object, object>>()
                .Single(v => (string)v["name"] == mounts["/data"]);

            if (Persistent.Contains(name))
            {
                var claim = (string)Get(data, "persistentVolumeClaim", "claimName")!;
                claim.ShouldBe($"{name}-data");
                var declared = objects.Single(o => Kind(o) == "PersistentVolumeClaim" && (string)Get(o, "metadata", "name")! == claim);
                Get(declared, "spec", "resources", "requests", "storage").ShouldNotBeNull(name);
            }
            else
            {
                data.ContainsKey("emptyDir").ShouldBeTrue(name);
            }
        }
    }
}
