using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Nexus.Testing;

namespace Nexus.AppHost.Tests.EndToEnd;

/// <summary>
/// The real composition (Program.cs) under Aspire.Hosting.Testing: DCP runs every resource with the local binaries
/// this machine has. One test on purpose: each full start costs about 20 s here.
/// </summary>
[Collection(WholeSystem.Name)]
public sealed class AppHostTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly string[] Resources = ["postgres", "nexusdb", "redis", "etcd", "gateway", "inference", "speech", "ocr", "image"];

    [SkippableFact]
    public async Task Start_WholeSystem_EveryResourceHealthyAndSpeechAndEmbeddingsThroughTheGatewayAreServedAlsoAfterAGatewayCrash()
    {
        foreach (var program in new[] { "redis-server", "etcd", "espeak-ng", "/usr/lib/postgresql/15/bin/postgres" }) TestPrograms.Require(program);
        var state = Directory.CreateTempSubdirectory("nexus-apphost-test-");
        // As root, PostgreSQL runs as the 'postgres' user, who must be able to enter the state directory.
        if (!OperatingSystem.IsWindows()) state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        const string adminKey = "e2eAdminKey0123456789abcdefghijklmn";
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Nexus_AppHost>(
                [
                    $"Nexus:AppHost:StateDirectory={state.FullName}",
                    $"Parameters:bootstrap-admin-key={adminKey}",
                    $"Parameters:postgres-password=e2ePassword{Guid.NewGuid():N}",
                ],
                (options, _) => options.DisableDashboard = true);
            // No dashboard, so nothing receives OTLP: without this each project's last export would wait out its timeout on stop.
            foreach (var project in builder.Resources.OfType<ProjectResource>())
                builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
            await using var app = await builder.BuildAsync().WaitAsync(StartTimeout);
            using var timeout = new CancellationTokenSource(StartTimeout);
            await app.StartAsync(timeout.Token);
            foreach (var resource in Resources) await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);

            var gateway = app.CreateHttpClient("gateway");
            gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            (await app.GetConnectionStringAsync("nexusdb", timeout.Token)).ShouldEndWith(";Database=nexusdb");
            var tenant = await PostJsonAsync(gateway, "/admin/tenants", new { name = "e2e" });
            var key = await PostJsonAsync(gateway, $"/admin/tenants/{tenant["id"]}/keys", new { name = "e2e" });
            gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key["key"]!.GetValue<string>());

            await SpeakAsync(gateway, timeout.Token);
            await EmbedAsync(gateway, timeout.Token);

            // Kill the gateway's process (DCP runs its built program): the AppHost restarts it on the same address.
            KillProcessTree(GatewayProcessId(app));
            await Eventually.WaitAsync(async () => await TryStatusAsync(gateway, timeout.Token), status => status == HttpStatusCode.OK,
                "the gateway to come back after it was killed", TimeSpan.FromMinutes(1));
            await app.ResourceNotifications.WaitForResourceHealthyAsync("gateway", timeout.Token);
            await SpeakAsync(gateway, timeout.Token);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private static async Task<JsonNode> PostJsonAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>The gateway routes tts-1 to the speech service it learned from the registry; espeak-ng makes the audio.</summary>
    private static async Task SpeakAsync(HttpClient gateway, CancellationToken ct)
    {
        // Healthy to Aspire is not yet ready to the gateway: it probes each registered instance before routing to it.
        await Eventually.WaitAsync(async () => await ModelIdsAsync(gateway, ct), ids => ids.Contains("tts-1"), "tts-1 in /v1/models", TimeSpan.FromSeconds(30));

        using var response = await gateway.PostAsJsonAsync(new Uri("/v1/audio/speech", UriKind.Relative),
            new { model = "tts-1", input = "Nexus is running.", voice = "alloy", response_format = "wav" }, ct);
        var audio = await response.Content.ReadAsByteArrayAsync(ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(audio));
        System.Text.Encoding.ASCII.GetString(audio, 0, 4).ShouldBe("RIFF");
    }

    /// <summary>The inference service joins by default: its in-process all-minilm-l6-v2 answers embeddings through the gateway.</summary>
    private static async Task EmbedAsync(HttpClient gateway, CancellationToken ct)
    {
        await Eventually.WaitAsync(async () => await ModelIdsAsync(gateway, ct), ids => ids.Contains("all-minilm-l6-v2"), "all-minilm-l6-v2 in /v1/models",
            TimeSpan.FromSeconds(30));

        using var response = await gateway.PostAsJsonAsync(new Uri("/v1/embeddings", UriKind.Relative),
            new { model = "all-minilm-l6-v2", input = "Nexus is running." }, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        JsonNode.Parse(text)!["data"]![0]!["embedding"]!.AsArray().Count.ShouldBe(384);
    }

    private static async Task<List<string>> ModelIdsAsync(HttpClient gateway, CancellationToken ct)
    {
        var models = JsonNode.Parse(await gateway.GetStringAsync(new Uri("/v1/models", UriKind.Relative), ct))!;
        return models["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
    }

    private static async Task<HttpStatusCode?> TryStatusAsync(HttpClient client, CancellationToken ct)
    {
        try
        {
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative), ct);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static int GatewayProcessId(DistributedApplication app)
    {
        app.ResourceNotifications.TryGetCurrentState("gateway", out var gateway).ShouldBeTrue();
        var pid = gateway!.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
        return Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>SIGKILL to the gateway (and anything under it), as a crash: no graceful shutdown.</summary>
    private static void KillProcessTree(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Kill(entireProcessTree: true);
    }
}
