using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Nexus.Testing;

namespace Nexus.AppHost.Tests.EndToEnd;

/// <summary>
/// The real composition with <c>Nexus:Mtls:Enabled=true</c>: every service is healthy to the AppHost (through its plain
/// health endpoint), refuses a caller without a certificate from the run's CA, and is still reached through the gateway,
/// which presents its certificate; knowledge, which embeds with inference directly, is healthy too.
/// </summary>
[Collection(WholeSystem.Name)]
public sealed class MtlsAppHostTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly string[] Projects = ["gateway", "inference", "speech", "ocr", "image", "knowledge", "ui"];

    [SkippableFact]
    public async Task Start_WithMtls_ServicesRefuseCallersWithoutACertificateAndTheGatewayStillRoutes()
    {
        foreach (var program in new[] { "redis-server", "etcd", "espeak-ng", "/usr/lib/postgresql/15/bin/postgres" }) TestPrograms.Require(program);
        var state = Directory.CreateTempSubdirectory("nexus-apphost-mtls-test-");
        // As root, PostgreSQL runs as the 'postgres' user, who must be able to enter the state directory.
        if (!OperatingSystem.IsWindows()) state.UnixFileMode |= UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        const string adminKey = "mtlsAdminKey0123456789abcdefghijklm";
        try
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Nexus_AppHost>(
                [
                    "Nexus:Mtls:Enabled=true",
                    $"Nexus:AppHost:StateDirectory={state.FullName}",
                    $"Parameters:bootstrap-admin-key={adminKey}",
                    $"Parameters:postgres-password=mtlsPassword{Guid.NewGuid():N}",
                ],
                (options, _) => options.DisableDashboard = true);
            foreach (var project in builder.Resources.OfType<ProjectResource>())
                builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
            await using var app = await builder.BuildAsync().WaitAsync(StartTimeout);
            using var timeout = new CancellationTokenSource(StartTimeout);
            await app.StartAsync(timeout.Token);
            foreach (var resource in Projects) await WaitHealthyAsync(app, resource, timeout.Token);

            var speech = app.GetEndpoint("speech", "http");
            speech.Scheme.ShouldBe(Uri.UriSchemeHttps);
            using var withoutCertificate = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, _, _, _) => true },
            });
            await Should.ThrowAsync<HttpRequestException>(() => withoutCertificate.GetAsync(new Uri(speech, "/v1/metadata"), timeout.Token));

            var gateway = app.CreateHttpClient("gateway");
            gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
            var tenant = await PostJsonAsync(gateway, "/admin/tenants", new { name = "mtls" });
            var key = await PostJsonAsync(gateway, $"/admin/tenants/{tenant["id"]}/keys", new { name = "mtls" });
            gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key["key"]!.GetValue<string>());

            await Eventually.WaitAsync(async () => await ModelIdsAsync(gateway, timeout.Token), ids => ids.Contains("tts-1"), "tts-1 in /v1/models", TimeSpan.FromSeconds(30));
            using var response = await gateway.PostAsJsonAsync(new Uri("/v1/audio/speech", UriKind.Relative),
                new { model = "tts-1", input = "Mutual TLS is on.", voice = "alloy", response_format = "wav" }, timeout.Token);
            var audio = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, System.Text.Encoding.UTF8.GetString(audio));
            System.Text.Encoding.ASCII.GetString(audio, 0, 4).ShouldBe("RIFF");
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    /// <summary>Waits for the resource's health; on timeout, says which resource and what its health checks report.</summary>
    private static async Task WaitHealthyAsync(DistributedApplication app, string resource, CancellationToken ct)
    {
        try
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            app.ResourceNotifications.TryGetCurrentState(resource, out var state);
            var reports = state?.Snapshot.HealthReports.Select(r => $"{r.Name}: {r.Status} {r.Description} {r.ExceptionText}") ?? [];
            throw new TimeoutException($"{resource} is not healthy: {state?.Snapshot.State?.Text}; {string.Join("; ", reports)}");
        }
    }

    private static async Task<JsonNode> PostJsonAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue($"POST {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task<List<string>> ModelIdsAsync(HttpClient gateway, CancellationToken ct)
    {
        var models = JsonNode.Parse(await gateway.GetStringAsync(new Uri("/v1/models", UriKind.Relative), ct))!;
        return models["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ToList();
    }
}
