using Xunit.Abstractions;

namespace Nexus.Deploy.Tests;

/// <summary>The gateway and the speech service from their images, each with a read-only root, every capability
/// dropped, no new privileges and user ai: speech registers with the gateway and a request through it returns audio.
/// Both containers use the host's network (each on a free loopback port): it needs no bridge, firewall or DNS
/// plugin, and the gateway's registry accepts a loopback address on a port other than its own.</summary>
[Collection(ImagesCollection.Name)]
public sealed class HardenedContainersTests(ImagesFixture images, ITestOutputHelper output)
{
    private const string AdminKey = "nxadm-deploy-test-admin-key";
    private const string RegistrationToken = "deploy-test-registration-token";

    private static readonly string[] Hardened = ["--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--network", "host"];

    [SkippableFact]
    public async Task SpeechThroughGateway_BothHardenedContainers_ReturnsWavAudio()
    {
        Skip.If(images.SkipReason is not null, images.SkipReason);
        output.WriteLine($"images built in {images.BuildTime}");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var gatewayName = $"nexus-test-gateway-{suffix}";
        var speechName = $"nexus-test-speech-{suffix}";
        var gatewayPort = Podman.FreePort();
        var speechPort = Podman.FreePort();
        var gatewayUrl = $"http://127.0.0.1:{gatewayPort}";
        try
        {
            await Podman.RunAsync(TimeSpan.FromMinutes(2), [
                "run", "-d", "--name", gatewayName, .. Hardened,
                "-e", $"ASPNETCORE_URLS={gatewayUrl}",
                "-e", $"Nexus__Gateway__BootstrapAdminKey={AdminKey}",
                "-e", $"Nexus__Registry__Token={RegistrationToken}",
                "-e", "Nexus__Registry__Health__ProbeInterval=00:00:00.500",
                $"localhost/nexus-gateway:{ImagesFixture.Version}"]);
            await Podman.RunAsync(TimeSpan.FromMinutes(2), [
                "run", "-d", "--name", speechName, .. Hardened,
                "-e", $"ASPNETCORE_URLS=http://127.0.0.1:{speechPort}",
                "-e", "Nexus__Registry__Enabled=true",
                "-e", $"Nexus__Registry__Url={gatewayUrl}",
                "-e", $"Nexus__Registry__Token={RegistrationToken}",
                "-e", $"Nexus__AdvertisedUrl=http://127.0.0.1:{speechPort}",
                $"localhost/nexus-speech:{ImagesFixture.Version}"]);

            foreach (var name in new[] { gatewayName, speechName })
            {
                (await Podman.RunAsync(TimeSpan.FromMinutes(1), "inspect", "--format", "{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}", name)).Trim().ShouldBe("10001:10001 true");
            }

            using var gateway = new GatewayClient(gatewayUrl, AdminKey);
            await gateway.WaitUntilReadyAsync("speech", TimeSpan.FromMinutes(2));
            await gateway.CreateTenantKeyAsync();

            var (status, audio) = await gateway.SpeakAsync("Hello from a hardened container.");

            status.ShouldBe(200, System.Text.Encoding.UTF8.GetString(audio));
            GatewayClient.ShouldBeWav(audio);
        }
        catch
        {
            foreach (var name in new[] { gatewayName, speechName })
            {
                try
                {
                    output.WriteLine(await Podman.RunAsync(TimeSpan.FromMinutes(1), "logs", "--tail", "30", name));
                }
                catch (InvalidOperationException)
                {
                    // the container never started; its run failure is the test's error
                }
            }

            throw;
        }
        finally
        {
            await Podman.RunAsync(TimeSpan.FromMinutes(2), "rm", "-f", "-v", "--time", "5", gatewayName, speechName);
        }
    }
}
