using System.Collections.Concurrent;
using Nexus.Deploy.Tests.Kube;
using Nexus.Testing;
using Xunit.Abstractions;

namespace Nexus.Deploy.Tests;

/// <summary>
/// A bad update of a service, played with podman: version 1 of speech serves behind the gateway; version 2 (an image
/// built without its engines, so its <c>/health</c> fails) joins as a second Deployment of the same service, as the new
/// pod of a rolling update does. Podman has no Deployment controller, so what keeps traffic on version 1 here is what
/// does in a cluster beside the controller: the gateway's registry routes only to instances its probes found ready,
/// and the canary declared for version 2 splits only between ready instances. Removing version 2 stands for
/// <c>kubectl rollout undo</c>. A load loop through the gateway counts every status from start to end.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class BadUpdateTests(ImagesFixture images, ITestOutputHelper output)
{
    private const string Version1 = "1.0.0";
    private const string Version2 = "2.0.0";

    [SkippableFact]
    public async Task Version2FailingReadiness_JoinsAndIsRolledBack_TrafficStaysOnVersion1AndNoRequestFails()
    {
        Skip.If(images.SkipReason is not null, images.SkipReason);
        var kustomized = await KubePlay.KustomizeAsync("dev");
        await using var play = await KubePlay.CreateAsync(output);
        var containers = new[] { KubePlay.Container("gateway", "gateway"), KubePlay.Container("speech", "speech"), KubePlay.Container("speech-v2", "speech") };
        // A canary for version 2 (OpenAI's speech models route by model): half the requests, were it ever ready.
        var gatewayEnvironment = new Dictionary<string, string>(KubeYaml.FastProbes)
        {
            ["Nexus__Gateway__Canaries__tts-1__Version"] = Version2,
            ["Nexus__Gateway__Canaries__tts-1__WeightPercent"] = "50",
        };
        var statuses = new ConcurrentDictionary<int, int>();
        using var stop = new CancellationTokenSource();
        Task? load = null;
        try
        {
            await play.PlayAsync("v1", PodmanKubeRendering.Render(kustomized,
                [KubeYaml.Gateway(play, gatewayEnvironment), KubeYaml.Speech(play, environment: Versioned(Version1))], KubeYaml.Services(play)), play.Ip(1), play.Ip(2));
            using var gateway = new GatewayClient(KubeYaml.GatewayUrl(play), KubePlay.AdminKey);
            await gateway.WaitUntilReadyAsync("speech", TimeSpan.FromMinutes(2));
            await gateway.CreateTenantKeyAsync();
            load = LoadAsync(gateway, statuses, stop.Token);
            await RequestsAsync(statuses, 5);

            await play.PlayAsync("v2", PodmanKubeRendering.Render(kustomized,
                [KubeYaml.Speech(play, "speech-v2", ImagesFixture.BrokenSpeechVersion, pod: 3, Versioned(Version2))], KubeYaml.Services(play)), play.Ip(3));
            var seen = new ConcurrentBag<string>();
            var v2 = await Eventually.WaitAsync(
                async () => (await gateway.InstancesAsync("speech")).FirstOrDefault(i => i!["version"]!.GetValue<string>() == Version2),
                instance =>
                {
                    if (instance is not null) seen.Add(GatewayClient.State(instance));
                    // An instance that was never ready stays "registering"; once probed, the reason names /health's 503.
                    return instance is not null && GatewayClient.State(instance) == "registering"
                        && instance["stateReason"]?.GetValue<string>() is { } reason && reason.Contains("503", StringComparison.Ordinal);
                },
                "version 2 to register and fail its readiness probe", TimeSpan.FromMinutes(2));
            output.WriteLine($"version 2: {v2!["state"]} ({v2["stateReason"]})");
            v2["baseUrl"]!.GetValue<string>().ShouldBe($"http://{play.Ip(3)}:8080");
            await RequestsAsync(statuses, 20); // version 2 is registered and not ready: traffic goes on

            await play.DownAsync("v2");
            await Eventually.WaitAsync(
                async () => (await gateway.InstancesAsync("speech")).Where(i => i!["version"]!.GetValue<string>() == Version2).Select(GatewayClient.State).ToList(),
                states => states.All(s => s == "gone"),
                "version 2 to leave the registry", TimeSpan.FromMinutes(1));
            await RequestsAsync(statuses, 5);
            await stop.CancelAsync();
            await load;

            output.WriteLine($"statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}"))}; version 2 was seen as {string.Join(", ", seen.Distinct())}");
            seen.ShouldNotContain("ready");
            statuses.Keys.ShouldBe([200], "every request through the gateway succeeded (0 is a request that got no response)");
            var canary = (await gateway.AdminGetAsync("admin/canaries")).AsArray().ShouldHaveSingleItem()!;
            canary["canaryRequests"]!.GetValue<long>().ShouldBe(0);
            // The loop's last request can be counted by the gateway as the loop stops, before its answer is.
            canary["stableRequests"]!.GetValue<long>().ShouldBeInRange(statuses[200], statuses[200] + 1);
            (await gateway.InstancesAsync("speech")).Where(i => GatewayClient.State(i) == "ready")
                .Select(i => i!["version"]!.GetValue<string>()).ShouldBe([Version1]);
        }
        catch
        {
            await stop.CancelAsync();
            await play.WriteLogsAsync(containers);
            throw;
        }
        finally
        {
            if (load is not null) await load.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The version a service reports in its descriptor, which the registry and the canary go by.</summary>
    private static Dictionary<string, string> Versioned(string version) => new() { ["Nexus__Version"] = version };

    /// <summary>Requests speech through the gateway one after another until stopped, counting each status (0: no
    /// response at all). Each answer must also be WAV audio.</summary>
    private static async Task LoadAsync(GatewayClient gateway, ConcurrentDictionary<int, int> statuses, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            int status;
            try
            {
                var (code, audio) = await gateway.SpeakAsync("Version one keeps serving.", stop);
                status = code == 200 && audio.AsSpan(0, Math.Min(4, audio.Length)).SequenceEqual("RIFF"u8) ? 200 : code == 200 ? -1 : code;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            statuses.AddOrUpdate(status, 1, (_, count) => count + 1);
        }
    }

    /// <summary>Waits until the load loop has made <paramref name="count"/> more requests.</summary>
    private static Task RequestsAsync(ConcurrentDictionary<int, int> statuses, int count)
    {
        var target = statuses.Values.Sum() + count;
        return Eventually.WaitAsync(() => statuses.Values.Sum(), done => done >= target, $"{count} more requests through the gateway", TimeSpan.FromMinutes(2));
    }
}
