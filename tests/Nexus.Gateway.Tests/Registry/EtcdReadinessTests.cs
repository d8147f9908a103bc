using System.Net;
using Nexus.Contract;
using Nexus.Gateway.Tests.Registry.Infrastructure;
using Nexus.ServiceDefaults.Registration;

namespace Nexus.Gateway.Tests.Registry;

/// <summary>Readiness and the watch on a real etcd that goes away and comes back.</summary>
public sealed class EtcdReadinessTests
{
    [SkippableFact]
    public async Task Health_EtcdKilled_IsUnhealthyWhileLivenessStaysUp_ThenRecoversAndWatchesAgain()
    {
        await using var etcd = await EtcdServer.StartAsync();
        await using var gateway = await RegistryGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Nexus:Registry:Etcd:Url"] = etcd.ClientUrl,
            ["Nexus:Registry:Etcd:RequestTimeout"] = "00:00:01",
        });
        await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.OK, "readiness with etcd up");

        await etcd.KillAsync();
        await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.ServiceUnavailable, "readiness to fail without etcd");
        (await HealthAsync(gateway, "alive")).ShouldBe(HttpStatusCode.OK);

        await etcd.RestartAsync();
        await Eventually.WaitAsync(() => HealthAsync(gateway, "health"), s => s == HttpStatusCode.OK, "readiness once etcd is back", TimeSpan.FromSeconds(30));

        // A registration written through another gateway after the restart reaches this one's watch.
        await using var other = await RegistryGateway.StartAsync(new Dictionary<string, string?> { ["Nexus:Registry:Etcd:Url"] = etcd.ClientUrl });
        await using var instance = await TestInstance.StartAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var registration = await new RegistrationClient(http).RegisterAsync(
            other.BaseAddress, RegistryGateway.Token, new RegisterInstanceRequest { BaseUrl = instance.Url, Descriptor = await instance.DescriptorAsync() }, CancellationToken.None);
        await Eventually.WaitAsync(() => gateway.Registry.Find(registration.InstanceId), i => i is not null, "the first gateway to see a registration made after the restart");
    }

    private static async Task<HttpStatusCode> HealthAsync(RegistryGateway gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path);
        return response.StatusCode;
    }
}
