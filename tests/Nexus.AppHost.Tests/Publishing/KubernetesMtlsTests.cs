using Nexus.Testing;
using static Nexus.AppHost.Tests.Publishing.KubernetesTests;

namespace Nexus.AppHost.Tests.Publishing;

/// <summary>Publishing with <c>Nexus:Mtls:Enabled=true</c>: every pod mounts its certificate Secret, a service moves its
/// probes to the plain health port and serves https, cert-manager issues the Secrets, and no key is written.</summary>
[Collection(AppHostEntryPoint.Name)]
public sealed class KubernetesMtlsTests
{
    [Fact]
    public async Task Publish_WithMtls_MountsEachProjectsSecretProbesServicesOnTheHealthPortAndIssuesThemWithCertManager()
    {
        var output = Directory.CreateTempSubdirectory("nexus-kubernetes-mtls-");
        try
        {
            AppHostEntryPoint.Run("--Nexus:Mtls:Enabled=true", "--publisher", "kubernetes", "--output-path", output.FullName);
            var objects = Directory.EnumerateFiles(Path.Combine(output.FullName, "base"), "*.yaml").SelectMany(f => Parse(File.ReadAllText(f))).ToList();

            var speech = Container(objects, "speech");
            Get(speech, "readinessProbe", "httpGet", "port").ShouldBe("health");
            Get(speech, "livenessProbe", "httpGet", "port").ShouldBe("health");
            var env = Env(speech);
            env["HTTPS_PORTS"].ShouldBe("8080");
            env["HTTP_PORTS"].ShouldBe("8081");
            env["Nexus__AdvertisedUrl"].ShouldBe("https://speech:8080");
            env["Nexus__Mtls__KeyPath"].ShouldBe("/etc/nexus/mtls/tls.key");
            ((List<object>)speech["volumeMounts"]).ShouldContain(m => (string)Get(m, "mountPath")! == "/etc/nexus/mtls" && (string)Get(m, "readOnly")! == "true");
            var volumes = (List<object>)Get(Deployment(objects, "speech"), "spec", "template", "spec", "volumes")!;
            volumes.ShouldContain(v => (string?)Get(v, "secret", "secretName") == "nexus-mtls-speech");

            var gateway = Container(objects, "gateway");
            Get(gateway, "readinessProbe", "httpGet", "port").ShouldBe("http");
            Env(gateway)["Nexus__Mtls__CertificatePath"].ShouldBe("/etc/nexus/mtls/tls.crt");
            Env(Container(objects, "ui")).Keys.ShouldNotContain("Nexus__Mtls__CertificatePath");

            var certificates = objects.Where(o => Kind(o) == "Certificate").Select(o => (string)Get(o, "spec", "secretName")!).ToList();
            certificates.ShouldContain("nexus-mtls-speech");
            certificates.ShouldContain("nexus-mtls-gateway");
            certificates.ShouldNotContain("nexus-mtls-ui");
            objects.ShouldNotContain(o => Kind(o) == "Secret");

            if (TestPrograms.Find("kubectl") is { } kubectl)
            {
                Parse(await KustomizeAsync(kubectl, Path.Combine(output.FullName, "overlays", "main")))
                    .ShouldContain(o => Kind(o) == "Certificate" && (string?)Get(o, "metadata", "namespace") == "nexus");
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static Dictionary<object, object> Deployment(List<Dictionary<object, object>> objects, string name) =>
        objects.Single(o => Kind(o) == "Deployment" && (string)Get(o, "metadata", "name")! == name);

    private static Dictionary<object, object> Container(List<Dictionary<object, object>> objects, string name) => Containers(Deployment(objects, name)).Single();

    private static Dictionary<string, string?> Env(Dictionary<object, object> container) =>
        ((List<object>)container["env"]).Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"], e => e.TryGetValue("value", out var v) ? (string)v : null);
}
