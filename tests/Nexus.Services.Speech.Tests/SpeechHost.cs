using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Nexus.Services.Speech.Tests;

/// <summary>The speech service on Kestrel at a random loopback port, wired as its Program.cs wires it.</summary>
internal sealed class SpeechHost : IAsyncDisposable
{
    private SpeechHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public HttpClient Http { get; }

    public static async Task<SpeechHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = "Nexus.Services.Speech", EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var configuration = new Dictionary<string, string?> { ["Nexus:Name"] = "speech", ["Nexus:Kind"] = "speech", ["Nexus:Registry:Enabled"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);

        builder.AddServiceDefaults();
        builder.AddSpeechService();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapSpeechApi();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SpeechHost(app, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

/// <summary>Engines the tests run for real; missing ones skip the test locally and fail it in CI.</summary>
internal static class Engines
{
    public static void Require(params string[] programs)
    {
        var missing = programs.Where(p => Engines.Find(p) is null).ToList();
        var inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (missing.Count > 0 && inCi) throw new InvalidOperationException($"Required in CI (.ci/run installs them): {string.Join(", ", missing)}.");
        Skip.If(missing.Count > 0, $"Not installed: {string.Join(", ", missing)}.");
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
}
