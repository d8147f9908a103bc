using Nexus.Deploy.Tests.Kube;
using Xunit.Abstractions;

namespace Nexus.Deploy.Tests;

/// <summary>The generated dev overlay (<c>kubectl kustomize deploy/kubernetes/overlays/dev</c>), played with podman as
/// <see cref="PodmanKubeRendering"/> describes: the gateway and speech pods run with the security contexts the YAML
/// gives them, speech registers by its pod address and a request through the gateway returns audio.</summary>
[Collection(ImagesCollection.Name)]
public sealed class KubePlayTests(ImagesFixture images, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task DevOverlay_GatewayAndSpeechPods_RunHardenedAndReturnWavThroughTheGateway()
    {
        Skip.If(images.SkipReason is not null, images.SkipReason);
        var kustomized = await KubePlay.KustomizeAsync("dev");
        output.WriteLine($"left out: {string.Join(", ", PodmanKubeRendering.SkippedKinds(kustomized))}");
        await using var play = await KubePlay.CreateAsync(output);
        var containers = new[] { KubePlay.Container("gateway", "gateway"), KubePlay.Container("speech", "speech") };
        try
        {
            var yaml = PodmanKubeRendering.Render(kustomized, [KubeYaml.Gateway(play), KubeYaml.Speech(play)], KubeYaml.Services(play));
            await play.PlayAsync("dev", yaml, play.Ip(1), play.Ip(2));

            foreach (var container in containers)
            {
                var inspected = (await Podman.RunAsync(TimeSpan.FromMinutes(1), "inspect", "--format",
                    "{{.Config.User}}|{{.HostConfig.ReadonlyRootfs}}|{{.EffectiveCaps}}|{{.HostConfig.SecurityOpt}}", container)).Trim().Split('|');
                inspected[0].ShouldBe("10001:10001", container);
                inspected[1].ShouldBe("true", container);
                inspected[2].ShouldBe("[]", container);
                inspected[3].ShouldContain("no-new-privileges", Case.Sensitive, container);
            }

            using var gateway = new GatewayClient(KubeYaml.GatewayUrl(play), KubePlay.AdminKey);
            await gateway.WaitUntilReadyAsync("speech", TimeSpan.FromMinutes(2));
            var speech = (await gateway.InstancesAsync("speech")).ShouldHaveSingleItem();
            speech!["baseUrl"]!.GetValue<string>().ShouldBe($"http://{play.Ip(2)}:8080");
            await gateway.CreateTenantKeyAsync();

            var (status, audio) = await gateway.SpeakAsync("Hello from a pod that Kubernetes YAML describes.");

            status.ShouldBe(200, System.Text.Encoding.UTF8.GetString(audio));
            GatewayClient.ShouldBeWav(audio);
        }
        catch
        {
            await play.WriteLogsAsync(containers);
            throw;
        }
    }
}
