using System.ClientModel;
using System.Text.Json.Nodes;
using OpenAI;
using Nexus.Testing;
using OpenAI.Audio;

namespace Nexus.Services.Speech.Tests;

/// <summary>Client → gateway → speech service → espeak-ng, with the official OpenAI SDK as the client.</summary>
public sealed class ThroughGatewayTests
{
    private const string AdminKey = "nxadm-speech-e2e-admin-key";
    private const string RegistrationToken = "speech-e2e-registration-token";

    [SkippableFact]
    public async Task OpenAISdk_SpeechThroughTheGateway_ReachesTheRegisteredServiceByModelName()
    {
        TestPrograms.Require("espeak-ng");
        var gateway = await StartGatewayAsync();
        try
        {
            var gatewayUrl = TestWebHost.BaseAddress(gateway).ToString().TrimEnd('/');
            await using var speech = await SpeechHost.StartAsync(new Dictionary<string, string?>
            {
                ["Nexus:Registry:Enabled"] = "true",
                ["Nexus:Registry:Url"] = gatewayUrl,
                ["Nexus:Registry:Token"] = RegistrationToken,
            });
            using var admin = new HttpClient { BaseAddress = new Uri(gatewayUrl + "/") };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
            await WaitUntilReadyAsync(admin);
            var key = await CreateTenantKeyAsync(admin);

            var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gatewayUrl + "/v1") }).GetAudioClient("tts-1");
            var audio = await client.GenerateSpeechAsync("Hello through the gateway.", GeneratedSpeechVoice.Alloy, new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav });

            var bytes = audio.Value.ToArray();
            bytes[..4].ShouldBe("RIFF"u8.ToArray());
            bytes.Length.ShouldBeGreaterThan(10_000);
        }
        finally
        {
            await TestWebHost.StopAsync(gateway);
        }
    }

    private static async Task<WebApplication> StartGatewayAsync()
    {
        var builder = TestWebHost.CreateBuilder("Nexus.Gateway");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Nexus:Name"] = "gateway",
            ["Nexus:Registry:Token"] = RegistrationToken,
            ["Nexus:Registry:Health:ProbeInterval"] = "00:00:00.200",
            ["Nexus:Gateway:BootstrapAdminKey"] = AdminKey,
            ["Nexus:Gateway:SqlitePath"] = Path.Combine(Path.GetTempPath(), $"nexus-speech-e2e-{Guid.NewGuid():N}.db"),
        });
        builder.AddServiceDefaults();
        builder.AddNexusGateway();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapNexusGateway();
        await TestWebHost.StartAsync(app);
        return app;
    }

    private static Task WaitUntilReadyAsync(HttpClient admin) =>
        Eventually.WaitAsync(
            () => admin.GetStringAsync("v1/registry/instances?state=ready"),
            instances => instances.Contains("\"speech\"", StringComparison.Ordinal),
            "the speech service to be ready in the registry",
            TimeSpan.FromSeconds(30));

    private static async Task<string> CreateTenantKeyAsync(HttpClient admin)
    {
        var tenant = await (await admin.PostAsJsonAsync("admin/tenants", new { name = "listeners" })).Content.ReadFromJsonAsync<JsonObject>();
        var key = await (await admin.PostAsJsonAsync($"admin/tenants/{tenant!["id"]}/keys", new { name = "e2e" })).Content.ReadFromJsonAsync<JsonObject>();
        return key!["key"]!.GetValue<string>();
    }
}
