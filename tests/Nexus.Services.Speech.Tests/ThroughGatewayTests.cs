using System.ClientModel;
using OpenAI;
using Nexus.Testing;
using OpenAI.Audio;

namespace Nexus.Services.Speech.Tests;

/// <summary>Client → gateway → speech service → espeak-ng, with the official OpenAI SDK as the client.</summary>
public sealed class ThroughGatewayTests
{
    [SkippableFact]
    public async Task OpenAISdk_SpeechThroughTheGateway_ReachesTheRegisteredServiceByModelName()
    {
        TestPrograms.Require("espeak-ng");
        await using var gateway = await TestGateway.StartAsync();
        await using var speech = await SpeechHost.StartAsync(gateway.Registration);
        await gateway.WaitUntilReadyAsync("speech");
        var (_, key) = await gateway.CreateTenantKeyAsync("listeners");

        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway.Url, "v1") }).GetAudioClient("tts-1");
        var audio = await client.GenerateSpeechAsync("Hello through the gateway.", GeneratedSpeechVoice.Alloy, new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav });

        var bytes = audio.Value.ToArray();
        bytes[..4].ShouldBe("RIFF"u8.ToArray());
        bytes.Length.ShouldBeGreaterThan(10_000);
    }
}
