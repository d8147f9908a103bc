using Nexus.Testing;

namespace Nexus.Services.Speech.Tests;

/// <summary>The speech service on Kestrel at a random loopback port, wired as its Program.cs wires it.</summary>
internal static class SpeechHost
{
    public static Task<TestService> StartAsync(IDictionary<string, string?>? settings = null) =>
        TestService.StartAsync(
            "Nexus.Services.Speech",
            "speech",
            settings,
            builder =>
            {
                builder.AddServiceDefaults();
                builder.AddSpeechService();
            },
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapSpeechApi();
            });
}

